"""The alerts pages: rules and a rule's page (views/rules.py), channels (views/channels.py), the in-portal
notifications (views/notifications.py)."""
