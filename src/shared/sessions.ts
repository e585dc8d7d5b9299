import { DAY_SESSION } from './attendance-model.ts';

/**
 * The registers a school keeps: the whole day, and six periods. (A school's
 * own timetable is not configurable yet; every school has these.)
 */
export const SCHOOL_SESSIONS: readonly string[] = [DAY_SESSION, 'P1', 'P2', 'P3', 'P4', 'P5', 'P6'];
