// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { BrokerDescription as _sluice_v1_BrokerDescription, BrokerDescription__Output as _sluice_v1_BrokerDescription__Output } from '../../sluice/v1/BrokerDescription';

export interface DescribeClusterResponse {
  'clusterId'?: (string);
  /**
   * Broker id of the metadata leader (controller).
   */
  'controllerId'?: (number);
  'brokers'?: (_sluice_v1_BrokerDescription)[];
}

export interface DescribeClusterResponse__Output {
  'clusterId': (string);
  /**
   * Broker id of the metadata leader (controller).
   */
  'controllerId': (number);
  'brokers': (_sluice_v1_BrokerDescription__Output)[];
}
