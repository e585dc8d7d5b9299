/** Runs before each server test file. */
import { dropFileDatabaseAfterAll } from './databases.ts';

dropFileDatabaseAfterAll();
