// Imported first by chaos-run.ts: the client's loggers take their level when their modules load,
// and a chaos run's producers log a warning per failed batch (tens of thousands). Quiet unless
// SLUICE_LOG_LEVEL says otherwise; the brokers started by the run inherit the same level.
process.env.SLUICE_LOG_LEVEL ??= 'error';

export {};
