#!/usr/bin/env bash
# Installs the Debian packages two tests use, when missing: protobuf-compiler (the interoperability
# test checks that proto/ compiles for other languages) and librsvg2-bin (the chart test turns the
# bench's SVG into a PNG). Never fatal: without a package its test is skipped and says so.
set -u
missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v rsvg-convert >/dev/null 2>&1 || missing+=(librsvg2-bin)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (for the proto interoperability and chart rendering tests)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 \
    || echo "could not install ${missing[*]}; the tests that need them will be skipped"
fi
exit 0
