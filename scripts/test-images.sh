#!/usr/bin/env bash
# Builds the local images the tests run (no registry is reachable from these machines):
# kdop-test/busybox:1 is a root filesystem of Debian's static busybox, imported into Docker;
# kdop-test/busybox:2 is the same image under another reference (for image-change tests), and
# busybox:1.36 too, so that examples/ naming that public image run as they are.
set -euo pipefail
image=kdop-test/busybox:1
if docker image inspect "$image" >/dev/null 2>&1; then
  docker tag "$image" kdop-test/busybox:2
  docker tag "$image" busybox:1.36
  exit 0
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/etc"
cp /bin/busybox "$root/bin/busybox"
for tool in sh ls cat echo sleep env true false wc nc httpd id hostname date; do
  ln -s busybox "$root/bin/$tool"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' - "$image" >/dev/null
docker tag "$image" kdop-test/busybox:2
docker tag "$image" busybox:1.36
echo "built $image, kdop-test/busybox:2 and busybox:1.36"
