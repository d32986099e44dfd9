#!/usr/bin/env bash
# Writes the FileDescriptorSet the broker serves over gRPC server reflection (docs/protocol-types.md):
# proto/sluice/v1's public services with their imports, grpc.health.v1 and both reflection versions,
# compiled by stock protoc with the comments kept (so `grpcurl describe` shows them). The set is
# committed so that running a broker needs no protoc; test/protocol/descriptor-set.test.ts
# regenerates it and fails when it no longer matches proto/ or the dependencies' protos.
#   scripts/gen-descriptor-set.sh [OUT]   (default proto/descriptor-set.binpb)
# The health and reflection protos are those of the packages that implement them
# (grpc-health-check, @grpc/reflection), under their canonical names (grpc/health/v1/health.proto…).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-proto/descriptor-set.binpb}"
if ! command -v protoc >/dev/null 2>&1; then
  echo "gen-descriptor-set: protoc is not installed (apt-get install protobuf-compiler)" >&2
  exit 2
fi
health=node_modules/grpc-health-check/proto/health/v1
reflection=node_modules/@grpc/reflection/build/proto/grpc/reflection
for dir in "$health" "$reflection"; do
  [ -d "$dir" ] || { echo "gen-descriptor-set: $dir is missing: run npm ci" >&2; exit 2; }
done
# -Ivirtual=real names a file by its canonical path whatever the directory it is read from.
protoc --include_imports --include_source_info --descriptor_set_out="$out" \
  -I proto -Igrpc/health/v1="$health" -Igrpc/reflection="$reflection" \
  sluice/v1/data.proto sluice/v1/groups.proto sluice/v1/admin.proto \
  grpc/health/v1/health.proto grpc/reflection/v1/reflection.proto grpc/reflection/v1alpha/reflection.proto
