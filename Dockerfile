# One image for web (the default command), worker and beat; see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --system --gid 10001 taskforce \
    && useradd --system --uid 10001 --gid taskforce --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin taskforce

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install --requirement requirements.txt

# The code stays owned by root: the running process can write only under var/.
COPY . .
RUN python -m compileall -q . \
    && mkdir -p var/staticfiles var/media var/broker var/celerybeat \
    && chown -R taskforce:taskforce var

USER taskforce

# Static files are collected into the image (served by whitenoise). The settings refuse to load
# without a secret key when DEBUG is off; this one exists only for this build step.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-only-not-a-secret \
    python manage.py collectstatic --noinput --verbosity 0

EXPOSE 8000

# No curl in the slim image. The request names the first allowed host so Django accepts it;
# /healthz is exempt from the HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); host = 'localhost' if host in ('', '*') else host; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=5)"]

CMD ["gunicorn", "taskforce.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
