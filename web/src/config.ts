// The page's settings: where the API is and how to sign in (written by the stack, or served locally).
import { PAGE_CONFIG_PATH, PageConfig } from '../../shared/review/page-config.js';

export async function loadConfig(): Promise<PageConfig> {
  const response = await fetch(PAGE_CONFIG_PATH, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${PAGE_CONFIG_PATH} answered ${response.status}`);
  return PageConfig.parse(await response.json());
}
