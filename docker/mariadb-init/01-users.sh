#!/bin/bash
# One database and one user per service (database per service): each user owns its database only.
# Run by the MariaDB image once, on the first start with an empty data volume
# (/docker-entrypoint-initdb.d); the passwords come from compose.yaml's environment. A password
# must not contain a single quote.
set -euo pipefail

create() { # database user password
  mariadb --user=root --password="${MARIADB_ROOT_PASSWORD}" <<SQL
CREATE DATABASE IF NOT EXISTS \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$2'@'%' IDENTIFIED BY '$3';
GRANT ALL PRIVILEGES ON \`$1\`.* TO '$2'@'%';
SQL
}

create sa_ppon ppon "${PPON_DB_PASSWORD:?}"
create sa_inetaplca inetaplca "${INETAPLCA_DB_PASSWORD:?}"
create sa_intelnet intelnet "${INTELNET_DB_PASSWORD:?}"
create contract_view contract_view "${CONTRACT_VIEW_DB_PASSWORD:?}"
create keycloak keycloak "${KEYCLOAK_DB_PASSWORD:?}"
mariadb --user=root --password="${MARIADB_ROOT_PASSWORD}" -e 'FLUSH PRIVILEGES'
