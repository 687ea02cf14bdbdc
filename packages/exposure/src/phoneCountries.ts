/**
 * @module phoneCountries
 * The dial plans now live in the protocol package, where the contact book shares them; this
 * file keeps the exposure package's import paths stable.
 */
export { DIAL_PLANS, dialPlanFor, isCountryCode, type CountryCode, type DialPlan } from '@hardline/protocol';
