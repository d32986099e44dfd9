// Public surface of the storage layer.
export * from './types';
export { StorageEngine, type StorageEngineOptions } from './storage-engine';
export { type FileIo, nodeFileIo } from './file-io';
