#!/bin/busybox sh
# Guest init: mount the pseudo filesystems, load the modules the results
# channel needs (in dependency order, listed by build-image.sh), announce
# "up", run walkbench with the arguments the host passed on the kernel
# command line, and send the results file back framed with its length and
# SHA-256 (vm/README.md), with checkpoints of it while the run goes on.
# Then power off; the host is waiting on qemu.
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
# send_frame RC FILE: FILE framed with its length and SHA-256 (vm/README.md);
# a frame starts on a line of its own even after one cut short
send_frame() {
	len=$(wc -c <"$2")
	sum=$(sha256sum "$2")
	sum=${sum%% *}
	{
		printf '\nWBFRAME1 %s %s %s\n' "$1" "$len" "$sum"
		cat "$2"
		printf 'WBEND\n'
	} >"$port"
}

/wb/walkbench run "$@" --out /tmp/results.json &
pid=$!
# Checkpoints: every 30 s, the results so far when they changed (the
# runner rewrites the file whole after each instance), in frames whose
# exit code is -1. A guest that hangs later still leaves the instances it
# finished. At most one copy and hash of the file in 30 s.
ckpt=
if [ -n "$port" ]; then
	(
		n=0
		while [ ! -e /tmp/ckpt.stop ]; do
			sleep 1
			n=$((n + 1))
			[ $((n % 30)) -eq 0 ] || continue
			cp /tmp/results.json /tmp/ckpt.json 2>/dev/null || continue
			cmp -s /tmp/ckpt.json /tmp/ckpt.sent && continue
			# the run may have ended meanwhile: its final frame,
			# not a late checkpoint, is what goes next
			[ -e /tmp/ckpt.stop ] && break
			send_frame -1 /tmp/ckpt.json
			mv /tmp/ckpt.json /tmp/ckpt.sent
		done
	) &
	ckpt=$!
fi
wait "$pid"
rc=$?
# the last checkpoint is sent whole before the final frame
: >/tmp/ckpt.stop
[ -n "$ckpt" ] && wait "$ckpt"
[ -f /tmp/results.json ] || : >/tmp/results.json
len=$(wc -c </tmp/results.json)
if [ -n "$port" ]; then
	send_frame "$rc" /tmp/results.json
	sync
else
	echo "walkbench-guest: no wb.results port; results cannot be sent"
fi
echo "WALKBENCH-GUEST-DONE rc=$rc bytes=$len"
poweroff -f
