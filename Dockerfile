# PostHog Ops Portal: one image for the web server (default CMD), the Celery worker and Celery beat.
#   docker build -t posthog-ops-portal .
# Settings come from the environment (see .env.example); nothing secret is baked into the image.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first so this layer is reused until pyproject.toml changes. pyproject.toml names
# README.md as the readme, and setuptools refuses to build without it: a stub stands in here
# (the real one is documentation and not needed in the image).
COPY pyproject.toml ./
RUN touch README.md \
    && pip install --no-cache-dir . \
    && rm -rf README.md build ./*.egg-info

# Only what the app needs at run time, listed explicitly so a local .env, .venv, var/ (SQLite
# database, generated secret key) or .git never end up in the image.
COPY manage.py ./
COPY portal ./portal
COPY apps ./apps
COPY templates ./templates
COPY static ./static

# Static files are collected at build time (served by whitenoise from var/staticfiles); the key
# is a throwaway that exists only for this command. Afterwards var/ itself belongs to the app
# user (it may write a SQLite database or a generated secret key there) while the collected
# files stay read-only.
RUN SECRET_KEY=build-only-not-secret DEBUG=false python manage.py collectstatic --no-input -v 0 \
    && chown app:app /app/var

USER app

EXPOSE 8000

# Host: the first ALLOWED_HOSTS entry (Django answers 400 to an unknown host);
# X-Forwarded-Proto: https so SECURE_SSL_REDIRECT does not answer 301. Any error or non-2xx fails.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as r; h = [x.strip().lstrip('.') for x in os.environ.get('ALLOWED_HOSTS', '').split(',') if x.strip() not in ('', '*')]; r.urlopen(r.Request('http://127.0.0.1:8000/healthz/', headers={'Host': h[0] if h else 'localhost', 'X-Forwarded-Proto': 'https'}), timeout=5)"

# Threaded workers sized in settings (WEB_WORKERS × WEB_THREADS), a timeout above the PostHog budget: see the config.
CMD ["gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"]
