#!/usr/bin/env bash
# Run the site with demo data: migrate every schema, load the demo, start a Celery worker and the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8000}"
# The development server runs with DEBUG on: only this machine may reach it, unless BIND says otherwise.
bind="${BIND:-127.0.0.1}"
manage=(.venv/bin/python manage.py)

"${manage[@]}" migrate_schemas --shared
"${manage[@]}" ensure_public_tenant
"${manage[@]}" migrate_tenants   # the provisioned tenants behind the code only: a failed one must not stop the site
"${manage[@]}" tenant_template   # the schema new tenants are cloned from, rebuilt when the migrations moved
"${manage[@]}" update_lovs   # the lists' defaults declared in code, synced like a migration
"${manage[@]}" load_demo_data

mkdir -p var
# A local SMTP sink keeps every email the site sends (var/mail/); the console's Outgoing mail page lists them.
# The site and the worker send to it: EMAIL_* and MAIL_SINK_DIR are exported before either starts.
mail_port="${MAIL_SINK_PORT:-1025}"
export MAIL_SINK_DIR="${MAIL_SINK_DIR:-var/mail}"
export EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1 EMAIL_PORT="$mail_port"
"${manage[@]}" mail_sink --port "$mail_port" >var/mail-sink.log 2>&1 &
sink_pid=$!
# -B runs celery beat inside the worker (periodic re-queue of stale notification deliveries); production
# runs beat as its own process (docker-compose.yml).
.venv/bin/celery -A portal worker -B --schedule var/celerybeat-schedule --loglevel=INFO --concurrency=2 \
  >var/worker.log 2>&1 &
worker_pid=$!
trap 'kill "$worker_pid" "$sink_pid" 2>/dev/null || true' EXIT INT TERM

base="${PORTAL_BASE_DOMAIN:-localhost}"
cat <<MSG

  The portal is starting (Celery worker and beat log: var/worker.log).

  Superadmin console   http://$base:$port/console/      admin / admin-demo-pass
  Acme                 http://acme.$base:$port/         owner olivia, members alice bob carol dave
  Globex               http://globex.$base:$port/       owner oscar, members gina hank ivy
  Every demo tenant user's password is demo-pass-123.   Health: http://$base:$port/healthz
  Outgoing mail        http://$base:$port/console/mail/  (the local SMTP sink on port $mail_port, var/mail/)

MSG
"${manage[@]}" runserver "$bind:$port"
