"""What the history pages show that is neither a read nor a write, by purpose: `stored` (delivery charts, the log
explorer's rows and CSV, intervals in words) and `pipeline` (the pipeline health overview and its charts)."""

from apps.history.presenters.stored import interval_words

__all__ = ["interval_words"]
