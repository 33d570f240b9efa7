import type { components } from './schema';

/** The backend's OpenAPI component schemas (generated in schema.d.ts by `npm run gen:api`). */
export type Schemas = components['schemas'];

export type Me = Schemas['Me'];
export type RequestDetail = Schemas['RequestDetail'];
export type RequestListItem = Schemas['RequestList'];
export type RequestStatus = Schemas['RequestStatusEnum'];
export type RequestType = Schemas['TypeEnum'];
export type Signature = Schemas['Signature'];
export type SendBack = Schemas['SendBack'];
export type Crate = Schemas['Crate'];
export type CrateDetail = Schemas['CrateDetail'];
export type Location = Schemas['Location'];
export type CrateStatus = Schemas['CrateStatusEnum'];
export type Document = Schemas['Document'];
export type DocumentType = Schemas['DocumentType'];
export type HistoryEvent = Schemas['HistoryEvent'];
export type Unit = Schemas['Unit'];
export type Dashboard = Schemas['Dashboard'];
export type Forecast = Schemas['Forecast'];
export type ForecastPeriod = Schemas['ForecastPeriod'];
export type ForecastRow = Schemas['ForecastRow'];
export type EligibleCrate = Schemas['EligibleCrate'];
export type RealtimeEvent = Schemas['Event'];
export type TopicName = Schemas['TopicEnum'];
export type RetentionRule = Schemas['RetentionRule'];
export type RetentionRuleStatus = Schemas['RetentionRuleStatusEnum'];
export type RetentionEvent = Schemas['RetentionEvent'];

/** A cursor page as every list endpoint returns it. */
export interface CursorPage<T> {
  next?: string | null;
  previous?: string | null;
  results: T[];
}
