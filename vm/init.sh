#!/bin/busybox sh
# Guest init: mount the pseudo filesystems, load the modules the results
# channel needs (in dependency order, listed by build-image.sh), announce
# "up", run walkbench with the arguments the host passed on the kernel
# command line, and send the results file back framed with its length and
# SHA-256 (vm/README.md). Then power off; the host is waiting on qemu.
/bin/busybox --install -s /bin
export PATH=/bin:/wb
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /dev/hugepages /dev/shm /var/tmp
mount -t hugetlbfs hugetlbfs /dev/hugepages
# shared_map's devshm-file and tmp-file objects live in these, as on a
# distribution's root (/var/tmp is the initramfs's own memory here)
mount -t tmpfs shm /dev/shm

for m in $(cat /etc/wb-modules); do
	insmod "/lib/modules/$m" || echo "walkbench-guest: insmod $m failed"
done

args=
thp=
for w in $(cat /proc/cmdline); do
	case "$w" in
	wb.args=*) args=${w#wb.args=} ;;
	wb.thp=*) thp=${w#wb.thp=} ;;
	esac
done
# The guest is a throwaway machine: its own THP switch is set directly.
if [ -n "$thp" ]; then
	echo "$thp" >/sys/kernel/mm/transparent_hugepage/enabled
fi
echo "WALKBENCH-GUEST-UP $(uname -r) thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled)"

port=
for p in /sys/class/virtio-ports/*; do
	[ "$(cat "$p/name" 2>/dev/null)" = wb.results ] && port=/dev/${p##*/}
done

echo "$args" | base64 -d >/tmp/args
cd /tmp || exit 1
# one argument per line; no globbing of what the host sent
set -f
IFS='
'
# shellcheck disable=SC2046
set -- $(cat /tmp/args)
unset IFS
set +f
/wb/walkbench run "$@" --out /tmp/results.json
rc=$?
[ -f /tmp/results.json ] || : >/tmp/results.json
len=$(wc -c </tmp/results.json)
sum=$(sha256sum /tmp/results.json)
sum=${sum%% *}
if [ -n "$port" ]; then
	{
		printf 'WBFRAME1 %s %s %s\n' "$rc" "$len" "$sum"
		cat /tmp/results.json
		printf 'WBEND\n'
	} >"$port"
	sync
else
	echo "walkbench-guest: no wb.results port; results cannot be sent"
fi
echo "WALKBENCH-GUEST-DONE rc=$rc bytes=$len"
poweroff -f
