export const MAX_HEADERS_PER_RECORD = 64;
export const MAX_HEADER_KEY_BYTES = 1024;
