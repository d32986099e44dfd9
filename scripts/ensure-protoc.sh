#!/usr/bin/env bash
# Installs Debian's stock protoc when it is missing, so that the interoperability test can check
# that proto/ compiles for other languages. Never fatal: without it that test is skipped.
set -u
command -v protoc >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing protobuf-compiler (for the proto interoperability test)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler) >/dev/null 2>&1 \
    || echo "could not install protobuf-compiler; the protoc test will be skipped"
fi
exit 0
