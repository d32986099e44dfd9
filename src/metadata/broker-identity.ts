// What a broker may be called and reached at: one rule for the cluster definition file and for
// RegisterBroker (every broker stores the address and every client dials it).

export const MAX_BROKER_ID = 2 ** 31 - 1;
/** A DNS name (labels of letters, digits and '-', not starting or ending with '-'), an IPv4 or an IPv6 address. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|[0-9A-Fa-f:.]+)$/;
const RACK = /^[a-zA-Z0-9._-]{1,64}$/;

export const BROKER_ID_RULE = `use an integer in [1, ${MAX_BROKER_ID}]`;
export const BROKER_HOST_RULE = 'use a host name or an IP address (at most 253 characters)';
export const RACK_RULE = 'use 1-64 characters from [a-zA-Z0-9._-]';

export const isBrokerId = (id: unknown): boolean => Number.isSafeInteger(id) && (id as number) >= 1 && (id as number) <= MAX_BROKER_ID;
export const isBrokerHost = (host: string): boolean => host.length > 0 && host.length <= 253 && HOST.test(host);
export const isRack = (rack: string): boolean => RACK.test(rack);

/** A value as an error message shows it: quoted, cut to 64 characters. */
export const shownValue = (value: string): string => `${JSON.stringify(value.slice(0, 64))}${value.length > 64 ? '…' : ''}`;
