#!/usr/bin/env bash
# Installs the Debian packages some tests use, when missing: protobuf-compiler (the interoperability
# test checks that proto/ compiles for other languages), protobuf-compiler-grpc, python3-grpcio and
# python3-protobuf (examples/python runs against a broker), protoc-gen-go, protoc-gen-go-grpc and
# protobuf-compiler-grpc-java-plugin (the README's protoc commands are run), and librsvg2-bin (the chart test turns
# the bench's SVG into a PNG), iproute2 and nftables (the chaos suite's network namespaces and partitions,
# docs/chaos.md), and faketime (libfaketime: the chaos suite's clock faults). Never fatal: without a package its test is skipped and says so.
set -u
missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v rsvg-convert >/dev/null 2>&1 || missing+=(librsvg2-bin)
command -v grpc_python_plugin >/dev/null 2>&1 || missing+=(protobuf-compiler-grpc)
command -v protoc-gen-go >/dev/null 2>&1 || missing+=(protoc-gen-go)
command -v protoc-gen-go-grpc >/dev/null 2>&1 || missing+=(protoc-gen-go-grpc)
command -v grpc_java_plugin >/dev/null 2>&1 || missing+=(protobuf-compiler-grpc-java-plugin)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
/usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || missing+=(python3-grpcio)
/usr/bin/python3 -c 'import google.protobuf' >/dev/null 2>&1 || missing+=(python3-protobuf)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (for the proto interoperability, Python example, chart rendering and chaos tests)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 \
    || echo "could not install ${missing[*]}; the tests that need them will be skipped"
fi
exit 0
