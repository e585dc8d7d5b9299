/** The files of an export, from a .zip (in memory) or a folder, by their names in lower case. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';

/** What an unpacked export may grow to: a district's CSVs fit many times over. */
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

export type ExportFiles = Map<string, Uint8Array>;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * The CSV files in a zip, wherever in it they are (some SIS put them in a
 * folder inside), named by their base name. Null when the bytes are not a
 * zip fflate can read or unpack to more than MAX_UNPACKED_BYTES.
 */
export function unzipExport(bytes: Uint8Array): ExportFiles | null {
  let total = 0;
  let tooLarge = false;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        if (!file.name.toLowerCase().endsWith('.csv') || file.name.split('/').some((part) => part.startsWith('__MACOSX'))) return false;
        total += file.originalSize;
        if (total > MAX_UNPACKED_BYTES) tooLarge = true;
        return !tooLarge;
      },
    });
  } catch {
    return null;
  }
  if (tooLarge) return null;
  const files: ExportFiles = new Map();
  for (const [name, data] of Object.entries(entries)) files.set(path.posix.basename(name).toLowerCase(), data);
  return files;
}

/** A .zip file or a folder of CSV files on disk (the command line's PATH). */
export async function readExportPath(where: string): Promise<ExportFiles | null> {
  const stat = await fs.stat(where);
  if (stat.isDirectory()) {
    const files: ExportFiles = new Map();
    for (const name of await fs.readdir(where)) {
      if (name.toLowerCase().endsWith('.csv')) files.set(name.toLowerCase(), new Uint8Array(await fs.readFile(path.join(where, name))));
    }
    return files;
  }
  return unzipExport(new Uint8Array(await fs.readFile(where)));
}
