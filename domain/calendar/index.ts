/** The pure calendar of the product: départements, civil dates, public holidays, business days. */
export {
  DEPARTEMENT_CODES,
  type DepartementCode,
  type Departement,
  type LegalRegime,
  departement,
  isDepartementCode,
  zoneOf,
  regimeOfDepartement,
} from './departements';
export {
  type CivilDate,
  type YearMonth,
  parseCivilDate,
  isCivilDate,
  addDays,
  addMonths,
  addYears,
  compareDates,
  daysBetween,
  dayOfWeek,
  yearMonthOf,
  monthlyDueDate,
  termEndDate,
  noticeDeadline,
  monthsOfTerm,
  localDate,
  instantAt,
  startOfLocalDay,
  formatFrenchDate,
} from './dates';
export {
  type PublicHoliday,
  easterSunday,
  publicHolidays,
  publicHolidayName,
  isPublicHoliday,
} from './holidays';
export {
  isBusinessDay,
  nextBusinessDay,
  previousBusinessDay,
  businessDayOnOrAfter,
  businessDayOnOrBefore,
  addBusinessDays,
  businessDaysBetween,
} from './business-days';
