#!/usr/bin/env bash
# Starts a throwaway single-node Ceph cluster (one monitor, one memstore OSD) and a radosgw
# on a loopback port, everything under one STATE_DIR. For tests and local development only:
# no authentication inside the cluster, pool size 1, data kept in memory.
#
# Usage: STATE_DIR=/tmp/rgw PORT=7480 infra/radosgw/start.sh
#        eval "$(STATE_DIR=/tmp/rgw infra/radosgw/start.sh)"
#   STATE_DIR  where config, data, logs, sockets and pid files go (default: a new temp dir)
#   PORT       radosgw HTTP port on 127.0.0.1 (default: a free port)
#   MON_PORT   monitor port on 127.0.0.1 (default: a free port)
# stdout: `export NAME=value` lines only (endpoint, test keys, region, STATE_DIR), for eval.
# stderr: progress. Stop with infra/radosgw/stop.sh (same STATE_DIR).
set -euo pipefail

log() { echo "radosgw/start: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

for tool in monmaptool ceph-mon ceph-osd radosgw radosgw-admin ceph curl python3; do
  command -v "$tool" >/dev/null || { log "error: '$tool' not found; install: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd"; exit 2; }
done

STATE_DIR="${STATE_DIR:-$(mktemp -d /tmp/radosgw.XXXXXX)}"
PORT="${PORT:-$(free_port)}"
MON_PORT="${MON_PORT:-$(free_port)}"
ACCESS_KEY="${RGW_ACCESS_KEY:-registrytestaccesskey}"
SECRET_KEY="${RGW_SECRET_KEY:-registrytestsecretkey0123456789abcdefghij}"

mkdir -p "$STATE_DIR"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"
if [[ -e "$STATE_DIR/ceph.conf" ]]; then
  log "error: $STATE_DIR already holds a cluster; stop it (infra/radosgw/stop.sh) and use an empty STATE_DIR"
  exit 2
fi
mkdir -p "$STATE_DIR"/{run,log,mon,osd,rgw,tmp}
CONF="$STATE_DIR/ceph.conf"
FSID="$(cat /proc/sys/kernel/random/uuid)"

cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $STATE_DIR/keyring
run dir = $STATE_DIR/run
admin socket = $STATE_DIR/run/\$name.asok
log file = $STATE_DIR/log/\$name.log
pid file = $STATE_DIR/run/\$name.pid
crash dir = $STATE_DIR/crash
exporter sock dir = $STATE_DIR/run
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false

[mon]
mon data = $STATE_DIR/mon/\$cluster-\$id

[osd]
osd data = $STATE_DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 4294967296
osd max object size = 1073741824

[client.rgw]
# radosgw defaults to a "secure" mon connection, which auth none cannot give: allow crc.
ms mon client mode = crc
rgw data = $STATE_DIR/rgw
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw dns name = localhost
EOF

export CEPH_CONF="$CONF"
log "state in $STATE_DIR (mon 127.0.0.1:$MON_PORT, rgw 127.0.0.1:$PORT)"

# Monitor.
ceph-authtool --create-keyring "$STATE_DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$STATE_DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$STATE_DIR/monmap" --keyring "$STATE_DIR/keyring"
ceph-mon -c "$CONF" -i a

# OSD (memstore: data lives in the OSD's memory and vanishes when it stops).
OSD_UUID="$(cat /proc/sys/kernel/random/uuid)"
OSD_ID="$(timeout 60 ceph -c "$CONF" osd new "$OSD_UUID")"
mkdir -p "$STATE_DIR/osd/ceph-$OSD_ID"
ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" 2>>"$STATE_DIR/log/osd-mkfs.log"
ceph-osd -c "$CONF" -i "$OSD_ID" 2>>"$STATE_DIR/log/osd-start.log"

# radosgw: it creates its pools on first start, which needs the OSD up.
for _ in $(seq 1 120); do
  if ceph -c "$CONF" osd stat 2>/dev/null | grep -q '1 up'; then break; fi
  sleep 0.25
done
radosgw -c "$CONF" -n client.rgw

for i in $(seq 1 240); do
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then break; fi
  if [[ $i == 240 ]]; then log "error: radosgw did not answer on 127.0.0.1:$PORT within 60 s; see $STATE_DIR/log"; exit 1; fi
  sleep 0.25
done

radosgw-admin -c "$CONF" -n client.rgw user create --uid=test --display-name=test \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null 2>>"$STATE_DIR/log/radosgw-admin.log"
log "ready"

cat <<EOF
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_REGION=us-east-1
export RADOSGW_STATE_DIR=$STATE_DIR
EOF
