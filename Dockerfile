# syntax=docker/dockerfile:1
# O2C application image: web (gunicorn), Celery worker and beat all run from it
# (see docker-compose.yml). Python dependencies are pinned in requirements.lock.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Shared libraries and fonts WeasyPrint needs to render invoice PDFs
# (same list as scripts/system-deps.sh, minus chromium/poppler which are test-only).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged runtime user (its home holds the fontconfig cache).
RUN groupadd --system --gid 1000 o2c \
    && useradd --system --uid 1000 --gid o2c --create-home --home-dir /home/o2c \
        --shell /usr/sbin/nologin o2c

WORKDIR /app

# Dependencies first, so that code changes don't invalidate this layer.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .

# collectstatic only needs importable settings: a throwaway SECRET_KEY and a
# DATABASE_URL (no connection is made) exist for this RUN line only.
RUN SECRET_KEY=collectstatic-build-only-not-secret \
    DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R o2c:o2c /app/var

USER o2c

EXPOSE 8000

# --timeout 120: a bulk request of 500 orders (decision 0047) runs longer than the default 30 s
CMD ["gunicorn", "o2c.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
