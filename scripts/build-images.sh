#!/usr/bin/env bash
# Builds the images kdop/hub:VERSION and kdop/edge-agent:VERSION on this machine, without any
# registry: a distroless-style base assembled from Debian packages (libc, zlib, CA certificates,
# time zone data, a non-root user; no shell, no package manager), a jlink-ed Java runtime holding
# only the modules each program needs, and the program's jar. VERSION is the Maven project's.
# Usage: scripts/build-images.sh   (after ./mvnw package; needs root or apt-get download, docker)
# Prints the image names and sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
[ -n "$version" ] || { echo "build-images: cannot read the project version from pom.xml" >&2; exit 1; }
for jar in hub/target/kdop-hub.jar edge-agent/target/kdop-edge-agent.jar; do
  [ -f "$jar" ] || { echo "build-images: $jar is missing; run ./mvnw -B package -DskipTests first" >&2; exit 1; }
done
arch=$(dpkg --print-architecture)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The base: the Debian packages a JVM and its TLS need, unpacked (not installed: no dpkg, no shell).
mkdir -p "$work/debs" "$work/rootfs"
packages=(libc6 zlib1g ca-certificates tzdata netbase)
if ! (cd "$work/debs" && apt-get download -qq "${packages[@]}" >/dev/null 2>&1); then
  apt-get update -qq # a machine that never ran apt-get update has no package lists
  (cd "$work/debs" && apt-get download -qq "${packages[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
  [ "$(ls "$work"/debs/*.deb | wc -l)" -eq ${#packages[@]} ] || { echo "build-images: apt-get download failed" >&2; exit 1; }
fi
for deb in "$work"/debs/*.deb; do
  dpkg-deb -x "$deb" "$work/rootfs"
done
root=$work/rootfs
rm -rf "$root"/usr/share/{doc,man,info,lintian,locale} "$root"/usr/sbin "$root"/usr/bin "$root"/sbin "$root"/bin \
  "$root"/usr/lib/"$(uname -m)"-linux-gnu/gconv "$root"/etc/init.d "$root"/usr/libexec
# update-ca-certificates would need a shell inside; the bundle it makes is the concatenation
mkdir -p "$root/etc/ssl/certs"
find "$root/usr/share/ca-certificates" -name '*.crt' -print0 | sort -z | xargs -0 cat > "$root/etc/ssl/certs/ca-certificates.crt"
ln -sf /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
mkdir -p "$root/tmp" "$root/home/nonroot" "$root/var/lib/kdop-agent"
chmod 1777 "$root/tmp"
chown 65532:65532 "$root/home/nonroot" "$root/var/lib/kdop-agent"

tar -C "$root" --numeric-owner -cf "$work/rootfs.tar" .

# Modules: what jdeps finds in the jar, plus what is only looked up at run time (DNS through JNDI
# for gRPC's resolver, elliptic-curve TLS, the JDK's own Unsafe that netty uses).
common=java.base,java.logging,java.naming,java.net.http,java.sql,java.xml,java.desktop,java.security.jgss,jdk.unsupported,jdk.naming.dns,jdk.crypto.ec
image() { # name jar modules entrypoint-json [extra ENV assignments]
  local name=$1 jar=$2 modules=$3 entrypoint=$4 env=${5:-} dir=$work/$1
  mkdir -p "$dir"
  jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
    --output "$dir/java"
  cp "$jar" "$dir/"
  cat > "$dir/Dockerfile" <<EOF
FROM scratch
# a tar keeps owners (COPY makes everything root's): the state directory and home are the
# agent's, so a named volume on the state directory starts out the agent's too
ADD rootfs.tar /
COPY $name/java/ /opt/java/
COPY $name/$(basename "$jar") /opt/kdop/
ENV JAVA_HOME=/opt/java LANG=C.UTF-8 TZ=UTC $env
USER 65532:65532
ENTRYPOINT $entrypoint
LABEL org.opencontainers.image.title="kdop $name" org.opencontainers.image.version="$version"
EOF
  docker build -q -t "kdop/$name:$version" -f "$dir/Dockerfile" "$work" >/dev/null
  echo "kdop/$name:$version $(docker image inspect -f '{{.Size}}' "kdop/$name:$version" | awk '{printf "%.1f MB", $1/1000000}') ($arch)"
}

image hub hub/target/kdop-hub.jar "$common,jdk.httpserver" \
  '["/opt/java/bin/java", "--sun-misc-unsafe-memory-access=allow", "-jar", "/opt/kdop/kdop-hub.jar"]'
# the agent's JVM options are the join command's (JoinInstructions.AGENT_JVM_OPTIONS)
agent_options=$(sed -n '/AGENT_JVM_OPTIONS = /,/);/p' hub/src/main/java/io/kdop/hub/join/JoinInstructions.java \
  | grep -o '"-[^"]*"' | paste -sd, -)
# in a container the agent sees the host's / where its join command mounts it (--host-root); run
# without that mount, it refuses host mounts rather than judge them by the container's own files
image edge-agent edge-agent/target/kdop-edge-agent.jar "$common" \
  "[\"/opt/java/bin/java\", $agent_options, \"-jar\", \"/opt/kdop/kdop-edge-agent.jar\"]" KDOP_HOST_ROOT=/host
