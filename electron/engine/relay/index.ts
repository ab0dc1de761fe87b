// The recording relay: a reverse proxy in front of the merchant's server-to-server calls to APS and of APS's feedback
// to the merchant, which logs each exchange (redacted) as evidence the browser never sees.
export {
  FEEDBACK_PATHS,
  STATUS_PATH,
  newRelayId,
  parseUpstream,
  startRelay,
  type Relay,
  type RelayOptions,
} from './server';
export { describeRecord, operationOf } from './describe';
export { TrafficLogWriter, parseTrafficLog, readTrafficLog, type TrafficFile } from './log';
export { linkTraffic, recordExchange, withRelayExchanges, type TrafficLinks } from './link';
export {
  TRAFFIC_DIR,
  importTraffic,
  liveLogFile,
  readWorkspaceTraffic,
  trafficDir,
  type ImportResult,
  type WorkspaceTraffic,
} from './store';
