// BytesView (src/protocol/wire-types.ts) types every RecordBatch field as a Buffer; that is true
// only while proto-root.ts's BATCH_FIELDS names every such field, so a RecordBatch field added to
// a proto must be added there too.
import assert from 'node:assert/strict';
import * as protobuf from 'protobufjs';
import { brokerProtoRoot, publicProtoRoot } from '../../src/protocol/proto-root';

function fieldsOfType(root: protobuf.Root, typeName: string): string[] {
  const found: string[] = [];
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        for (const field of nested.fieldsArray) if (field.resolve().resolvedType?.fullName === typeName) found.push(`${nested.fullName}.${field.name}`);
      }
      if (nested instanceof protobuf.Type || nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return found;
}

describe('protocol: the broker view reads every RecordBatch field as bytes', () => {
  it('the public view has RecordBatch fields and the broker view none', () => {
    assert.deepEqual(fieldsOfType(publicProtoRoot(), '.sluice.v1.RecordBatch').sort(), ['.sluice.v1.FetchedBatch.batch', '.sluice.v1.ProducePartition.batch']);
    assert.deepEqual(fieldsOfType(brokerProtoRoot(), '.sluice.v1.RecordBatch'), []);
  });
});
