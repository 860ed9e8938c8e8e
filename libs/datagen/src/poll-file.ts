import { type GeneratedPolls, generatePolls, type PollGeneratorOptions, shufflePolls } from './poll-generator';
import { createRandom } from './random';
import { buildStoreIds, type StoreSetOptions } from './store-ids';

export interface PollFileOptions extends PollGeneratorOptions, StoreSetOptions {
  /** Unsigned 32-bit; one seed, one file. */
  seed: number;
}

export interface PollFilePlan {
  /** In the file's row order. */
  polls: GeneratedPolls;
  /** Stores in the file without hours or zone, in the first copy. */
  extraStores: number;
}

/**
 * Everything a poll file holds, decided from one seeded stream: the stores, their polls and the
 * row order. Writing it is `pollCsvChunks(plan.polls)`.
 */
export function planPollFile(knownStoreIds: ReadonlySet<string>, options: PollFileOptions): PollFilePlan {
  const random = createRandom(options.seed);
  const storeIds = buildStoreIds(knownStoreIds, options, random);
  const polls = shufflePolls(generatePolls(storeIds, options, random), random);
  return { polls, extraStores: storeIds.length / options.scale - knownStoreIds.size };
}
