# syntax=docker/dockerfile:1
# One image for every Omni process: web (the default command), Celery worker, beat and
# one-off management commands (see compose.yaml and docs/operations.md).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_DEBUG=0 \
    GUNICORN_BIND=0.0.0.0:8000 \
    GUNICORN_WORKER_TMP_DIR=/dev/shm

RUN groupadd --system --gid 10001 omni \
    && useradd --system --uid 10001 --gid omni --home-dir /app --no-create-home --shell /usr/sbin/nologin omni

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself (editable: templates, static files and locale stay beside the
# packages, where settings.BASE_DIR finds them). The code stays owned by root: the omni
# user reads it and cannot change it. Static files are collected (hashed, compressed) into
# the image; that secret key only lets the settings load, the running containers get the
# real one from the environment.
COPY . .
RUN pip install --no-deps -e . \
    && DJANGO_SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput

USER omni
EXPOSE 8000

# No HEALTHCHECK here: worker and beat containers run this image too. The web service's
# check (GET /healthz) is in compose.yaml.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "omni.wsgi"]
