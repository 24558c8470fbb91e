FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.base

WORKDIR /app

# pg_dump builds the template schema new tenants are cloned from (`manage.py tenant_template`); Debian
# bookworm's client is PostgreSQL 15's, the server's version in docker-compose.yml.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Production serves static files through whitenoise's manifest storage, which settings select only when
# DJANGO_ENV=production. A development collectstatic writes no manifest, and every {% static %} would then
# fail at run time, so collect under production settings. The placeholders only satisfy the values that
# production requires: collectstatic connects to neither PostgreSQL nor Redis, and none of them stay in the image.
RUN DJANGO_ENV=production \
    DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    CELERY_BROKER_URL=redis://localhost:6379/1 \
    python manage.py collectstatic --noinput

# The code stays root-owned and read-only to the app; var/ is its one writable place (celery beat's schedule).
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin portal \
    && mkdir -p /app/var \
    && chown portal /app/var
USER portal

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000"]
