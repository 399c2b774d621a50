#!/bin/bash
# cloud-init user data for the frontend instances. The frontend stack renders the
# @PLACEHOLDERS@; everything else is literal. It installs Node, fetches the frontend
# artifact from S3, and runs it under systemd as a dedicated user.
set -euo pipefail
exec > >(tee -a /var/log/students-frontend-bootstrap.log) 2>&1

ARTIFACT_BUCKET='@ARTIFACT_BUCKET@'
ARTIFACT_KEY='@ARTIFACT_KEY@'
ARTIFACT_VERSION='@ARTIFACT_VERSION@'
REGION='@REGION@'
APP_LOG_GROUP='@APP_LOG_GROUP@'
BOOTSTRAP_LOG_GROUP='@BOOTSTRAP_LOG_GROUP@'
API_ENDPOINT='@API_ENDPOINT@'
API_ACCESS='@API_ACCESS@'
DIRECTORY_MODE='@DIRECTORY_MODE@'
STAFF_SIGNER_ARN='@STAFF_SIGNER_ARN@'
STAFF_SIGN_OUT_URL='@STAFF_SIGN_OUT_URL@'
SEAL_KMS_KEY_ID='@SEAL_KMS_KEY_ID@'
SEAL_KEY_GENERATION='@SEAL_KEY_GENERATION@'
APP_PORT='@APP_PORT@'
NODE_MAJOR='@NODE_MAJOR@'
APP_USER=students-frontend
APP_ROOT=/opt/students-frontend

echo "bootstrap: node ${NODE_MAJOR}, artifact s3://${ARTIFACT_BUCKET}/${ARTIFACT_KEY} version ${ARTIFACT_VERSION}"

# Node and the CloudWatch agent from the distribution's own repository (no third-party download at boot).
dnf install -y "nodejs${NODE_MAJOR}" unzip amazon-cloudwatch-agent logrotate
NODE_BIN=$(command -v "node-${NODE_MAJOR}" || command -v node)
"${NODE_BIN}" --version

id -u "${APP_USER}" >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin "${APP_USER}"

# Each artifact unpacks into its own release directory; "current" points at the live one.
release="${APP_ROOT}/releases/$(basename "${ARTIFACT_KEY}" .zip)"
tmp=$(mktemp -d)
# By version: an instance launched from an older template version (a rollback) still gets the
# artifact that template names, even after a newer deploy replaced the object.
aws s3api get-object --region "${REGION}" --bucket "${ARTIFACT_BUCKET}" --key "${ARTIFACT_KEY}" \
  --version-id "${ARTIFACT_VERSION}" "${tmp}/frontend.zip" >/dev/null
mkdir -p "${release}"
unzip -q -o "${tmp}/frontend.zip" -d "${release}"
rm -rf "${tmp}"
chown -R root:root "${release}"
chmod -R a+rX,go-w "${release}"
ln -sfn "${release}" "${APP_ROOT}/current"

install -d -m 0755 /etc/students-frontend
cat > /etc/students-frontend/env <<ENV
API_ENDPOINT=${API_ENDPOINT}
API_ACCESS=${API_ACCESS}
DIRECTORY_MODE=${DIRECTORY_MODE}
STAFF_SIGNER_ARN=${STAFF_SIGNER_ARN}
STAFF_SIGN_OUT_URL=${STAFF_SIGN_OUT_URL}
AWS_REGION=${REGION}
SEAL_KMS_KEY_ID=${SEAL_KMS_KEY_ID}
SEAL_KEY_GENERATION=${SEAL_KEY_GENERATION}
PORT=${APP_PORT}
NODE_ENV=production
LOG_LEVEL=info
ENV
chmod 0644 /etc/students-frontend/env

cat > /etc/systemd/system/students-frontend.service <<'UNIT'
@SYSTEMD_UNIT@
UNIT
sed -i "s#@NODE_BIN@#${NODE_BIN}#; s#@APP_USER@#${APP_USER}#; s#@APP_ROOT@#${APP_ROOT}#" /etc/systemd/system/students-frontend.service

# The app's log lines (JSON, one a line) go to a file the CloudWatch agent ships, with the
# bootstrap log, so they outlive the instance; logrotate keeps the disk from filling.
install -d -m 0755 /var/log/students-frontend
cat > /etc/logrotate.d/students-frontend <<'ROTATE'
/var/log/students-frontend/*.log {
  daily
  rotate 3
  maxsize 100M
  missingok
  notifempty
  copytruncate
}
ROTATE
cat > /opt/aws/amazon-cloudwatch-agent/etc/students-frontend.json <<AGENT
{
  "agent": { "run_as_user": "root" },
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          { "file_path": "/var/log/students-frontend/app.log", "log_group_name": "${APP_LOG_GROUP}", "log_stream_name": "{instance_id}" },
          { "file_path": "/var/log/students-frontend-bootstrap.log", "log_group_name": "${BOOTSTRAP_LOG_GROUP}", "log_stream_name": "{instance_id}" }
        ]
      }
    }
  }
}
AGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/students-frontend.json

systemctl daemon-reload
systemctl enable --now students-frontend.service
echo "bootstrap: done"
