#!/usr/bin/env bash
# Smoke test of compose.yaml on a machine with Docker: builds the image, starts the app with PostgreSQL
# 18, waits for /api/health, creates an administrator with the CLI, then stops the app and shows how it
# ended. Not run by CI (its machines have no Docker daemon and no access to Docker Hub). Images can be
# swapped for local stand-ins: POSTGRES_IMAGE=... NODE_IMAGE=... in .env.
#   bash docs/deploy/compose-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
compose() { if docker compose version >/dev/null 2>&1; then docker compose -p officina-smoke "$@"; else docker-compose -p officina-smoke "$@"; fi; }
[ -f .env ] || { echo "no .env: cp .env.example .env and add POSTGRES_PASSWORD=..." >&2; exit 2; }
port=$(sed -n 's/^APP_PORT=//p' .env); port=${port:-3000}

compose up -d --build
status=000
for _ in $(seq 1 100); do
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port}/api/health" || true)
  [ "$status" = 200 ] && break
  sleep 3
done
echo "health: ${status} $(curl -s "http://127.0.0.1:${port}/api/health")"
echo "home page: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port}/")"
compose exec -T app npm run --silent admin -- create --email smoke@comune.example.it --name "Smoke Test" --role administrator | head -1
started=$(date +%s)
compose stop app
echo "stop: $(( $(date +%s) - started )) s, exit code $(docker inspect "$(compose ps -q app)" --format '{{.State.ExitCode}}')"
compose logs app | grep -E '"msg":"(SIGTERM received|error)' || true
compose down
[ "$status" = 200 ]
