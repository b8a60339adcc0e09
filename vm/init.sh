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
# Checkpoints: the results so far when they changed (the runner rewrites
# the file whole after each instance), in frames whose exit code is -1, so
# that a guest that hangs later still leaves the instances it finished.
# The host keeps every frame until the guest stops, so their bytes are
# bounded: a look after 30 s, each gap after a frame half as long again
# as the one before, up to 5 minutes (16 frames in an hour at most), and
# none once 64 MiB have been sent.
ckpt=
if [ -n "$port" ]; then
	(
		# TERM ends it between frames, never inside one: a trap runs
		# once the command in hand (a send) is done, and at once
		# while it waits on its sleep
		trap 'exit 0' TERM
		gap=30 sent=0
		while :; do
			sleep "$gap" &
			wait $!
			cp /tmp/results.json /tmp/ckpt.json 2>/dev/null || continue
			cmp -s /tmp/ckpt.json /tmp/ckpt.sent && continue
			size=$(wc -c </tmp/ckpt.json)
			[ $((sent + size)) -le 67108864 ] || exit 0
			send_frame -1 /tmp/ckpt.json
			mv /tmp/ckpt.json /tmp/ckpt.sent
			sent=$((sent + size)) gap=$((gap * 3 / 2))
			[ "$gap" -le 300 ] || gap=300
		done
	) &
	ckpt=$!
fi
wait "$pid"
rc=$?
# the checkpoints end before the final frame goes
if [ -n "$ckpt" ]; then
	kill -TERM "$ckpt" 2>/dev/null
	wait "$ckpt"
fi
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
