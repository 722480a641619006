#!/bin/sh
# Write the secret files docker compose mounts at /run/secrets (see docs/DEPLOYMENT.md).
# Existing files are kept, so running it again never rotates a password under a live database.
# OPENAI_API_KEY, when set in the environment, becomes the scoring service's key (else it stays empty).
set -eu
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
chmod 700 secrets

random_token() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

write_secret() {  # name value
    if [ -s "secrets/$1" ]; then
        echo "kept    secrets/$1"
        return
    fi
    printf '%s' "$2" > "secrets/$1"
    # the containers run as their own users; the 0700 directory keeps other host users out
    chmod 644 "secrets/$1"
    echo "wrote   secrets/$1"
}

write_secret mongodb_root_password "$(random_token)"
user="$(sed -n 's/^MONGODB_ROOT_USERNAME=//p' .env 2>/dev/null | tail -n 1)"
user="${user:-viralclip}"
password="$(cat secrets/mongodb_root_password)"
write_secret mongodb_uri "mongodb://${user}:${password}@mongodb:27017/?authSource=admin"
write_secret viralclip_api_token "$(random_token)"
write_secret viralclip_webhook_secret "$(random_token)"
# empty: the scoring service falls back to its offline heuristic scorer (VIRALCLIP_SCORING_PROVIDER=auto)
write_secret openai_api_key "${OPENAI_API_KEY:-}"
