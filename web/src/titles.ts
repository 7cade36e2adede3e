// The titles pages show for a result's ids. The pipeline moderates with the default policy, whose titles name
// every category and disclaimer (an id some other policy added reads as words, never as the id).
import { defaultPolicy } from '../../shared/policy/index.js';
import { titlesOf } from '../../shared/report/words.js';

export const titles = titlesOf(defaultPolicy);
