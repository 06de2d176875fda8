"""Gunicorn's settings for production (`gunicorn -c config/gunicorn.conf.py config.wsgi`, as scripts/prod-run.sh
runs it). Each can be changed through the environment; logs are JSON lines on standard error, like the app's."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads share one process's memory; two processes per core keep a stuck request from stopping the site.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The slowest page (an inline export of EXPORT_INLINE_MAX_ROWS rows) takes seconds; anything past this is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then so a slow leak never grows.
max_requests = 1000
max_requests_jitter = 100
# Behind the reverse proxy (which sets X-Forwarded-Proto): trust it only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# No runtime control socket (gunicornc): the process supervisor starts, reloads and stops gunicorn.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# The access line's fields (see core.logging.JsonFormatter) include the request id the app put in the response.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus %({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {
            "handlers": ["console"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
