#!/usr/bin/env bash
# Generates the Python stubs of the Sluice API from ../../proto with stock protoc (Debian:
# apt-get install protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto="$here/../../proto"
plugin="$(command -v grpc_python_plugin || true)"
if [ -z "$plugin" ]; then
  echo "generate.sh: grpc_python_plugin not found: apt-get install protobuf-compiler-grpc (or pip install grpcio-tools and use python -m grpc_tools.protoc)" >&2
  exit 1
fi
mkdir -p "$here/gen"
protoc -I "$proto" --python_out="$here/gen" --grpc_python_out="$here/gen" --plugin=protoc-gen-grpc_python="$plugin" "$proto"/sluice/v1/*.proto
echo "stubs in $here/gen/sluice/v1"
