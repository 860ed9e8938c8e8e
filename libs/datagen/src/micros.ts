/**
 * Epoch-microsecond units, as in `@store-uptime/uptime` (whose parser the specs round-trip
 * through). Not imported from there: that index loads Arquero, which costs the command ~0.6 s of
 * start-up for three constants.
 */
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_HOUR = 3600 * MICROS_PER_SECOND;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;
