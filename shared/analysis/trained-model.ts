import modelJson from '../policy/claim-model.json' with { type: 'json' };
import { ClaimModel } from './model.js';

export type { ClaimModel };

/** The committed model (`npm run train` writes it), validated once at load. */
export const defaultModel: ClaimModel = ClaimModel.parse(modelJson);
