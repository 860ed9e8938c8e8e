// Generated from the OpenAPI document the API serves (/docs-json) by `npm run gen:api-types`
// (openapi-typescript, scripts/openapi/api-types.ts). Do not edit: regenerate.

export interface paths {
    "/trigger_report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Trigger a report (GET form of the original route)
         * @description The same as POST /trigger_report, for clients of the original service that used GET. With an Idempotency-Key, the same key and parameters within 24 h return the same report (Idempotent-Replayed: true) instead of another one.
         */
        get: operations["triggerGet"];
        put?: never;
        /**
         * Trigger a report with default parameters (original route)
         * @description Queues a report over the latest poll with the hourly method and answers its id at once; poll GET /get_report with it. Takes no body, so no callback_url: its owner's webhooks (POST /webhooks) are told when it finishes. With an Idempotency-Key, the same key and parameters within 24 h return the same report (Idempotent-Replayed: true) instead of another one.
         */
        post: operations["triggerPost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/get_report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Poll a report (original route)
         * @description Running (queued or running) with its progress, Complete with a presigned link to the CSV, Failed with the reason, or Cancelled. A report past REPORT_RETENTION_DAYS (default 30) is expired: 410 problem+json. Status polls are not access-logged; they are counted in /metrics.
         */
        get: operations["getReport"];
        put?: never;
        /**
         * Poll a report (original route, JSON body)
         * @description As GET /get_report, with the id in a JSON body (or, for old clients, in the query string when the body is empty). Running (queued or running) with its progress, Complete with a presigned link to the CSV, Failed with the reason, or Cancelled. A report past REPORT_RETENTION_DAYS (default 30) is expired: 410 problem+json. Status polls are not access-logged; they are counted in /metrics.
         */
        post: operations["getReportPost"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/echo/{message}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Echo the message (original route)
         * @description Answers the message as text/plain: a connectivity check.
         */
        get: operations["echo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List reports, newest first
         * @description Filters combine; pages are keyset-paginated on (created_at, id), so a page costs the same whatever the table holds and reports created meanwhile never shift a page. Follow `next` until it is null. Rows only (progress as last recorded; GET /reports/{id} folds in the live job). Complete reports older than REPORT_RETENTION_DAYS (default 30) are expired: their CSV is deleted and downloads answer 410.
         */
        get: operations["list"];
        put?: never;
        /**
         * Trigger a report
         * @description Queues a report with the given parameters and answers at once; poll the status link (Location), or give a callback_url to be told (a signed webhook; the answer's callback_secret verifies it). With an Idempotency-Key, a retried request returns the first one's report. Complete reports older than REPORT_RETENTION_DAYS (default 30) are expired: their CSV is deleted and downloads answer 410.
         */
        post: operations["trigger"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/reports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status of a report
         * @description Status (queued, running, complete, failed, cancelled or expired), progress, parameters, counts, warnings and times of a report. Status polls are not access-logged; they are counted in /metrics. Complete reports older than REPORT_RETENTION_DAYS (default 30) are expired: their CSV is deleted and downloads answer 410.
         */
        get: operations["details"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/reports/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a queued or running report
         * @description A queued report is removed from the queue; a running one is stopped by its worker (compute thread stopped, upload aborted, no CSV left) within 2 s. The report is cancelled from this answer on. Cancelling a cancelled report again answers 202 too; a complete, failed or expired one 409. Takes no body.
         */
        post: operations["cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/reports/{id}/stores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A complete report's rows, sorted, filtered and paged
         * @description The report's CSV lines as JSON (the CSV's column names and numbers), ordered by `sort` (any column; ties by store_id) and `order`, filtered by `store_id` (repeatable) and by inclusive bounds on each number (`min_downtime_last_week=10`). Keyset-paginated like GET /reports: follow `next` until it is null. Answers 409/410 as the download does. Complete reports older than REPORT_RETENTION_DAYS (default 30) are expired: their CSV is deleted and downloads answer 410.
         */
        get: operations["stores"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/reports/{id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a report: its CSV, or its rows as JSON Lines
         * @description Redirects (302) to a fresh presigned S3 URL of the CSV. A client that follows redirects gets text/csv from S3. With `format=jsonl` or `Accept: application/x-ndjson`: the same rows as JSON Lines (one object per store, the CSV's columns and numbers, in the CSV's order), streamed by the API. Complete reports older than REPORT_RETENTION_DAYS (default 30) are expired: their CSV is deleted and downloads answer 410.
         */
        get: operations["download"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stores/{store_id}/uptime": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One store's uptime and downtime, computed now
         * @description The store's row of the report with the same as_of and method (the CSV's column names), computed from its own week of polls at request time.
         */
        get: operations["uptime"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stores/{store_id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The evidence behind a store’s numbers
         * @description What the computation of GET /stores/{store_id}/uptime used and derived: the zone (and whether it fell back), the business intervals of the week in UTC and local time, the carry-in and week polls each marked counted or not and why, the status segments of the method, and the exact totals per window. See docs/service.md for a worked reading.
         */
        get: operations["timeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhook endpoints
         * @description Newest first, without their secrets. A key sees its owner's webhooks only (another owner's is 404); admin sees every owner's.
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Register a webhook endpoint
         * @description The owner's reports that reach one of `events` are POSTed to `url` as Standard Webhooks deliveries (headers webhook-id, webhook-timestamp, webhook-signature: HMAC-SHA256 with `secret`, shown in this answer only). Body: {type, timestamp, data}, data = the report as GET /reports/{id} shows it. At least once: a 2xx ends a delivery, anything else (or no answer in 10 s) is retried with backoff for about 24 h; redirects are not followed. Private, loopback and link-local addresses are refused (400) unless WEBHOOK_ALLOW_PRIVATE=true.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint
         * @description Deletes it with its deliveries; a delivery in flight finds nothing to send. A key sees its owner's webhooks only (another owner's is 404); admin sees every owner's.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Delivery attempts of a webhook endpoint
         * @description The latest 100 attempts, newest first: when, the status code (null when there was no answer), how long, the first 200 characters of the answer, the error, and what became of the delivery (pending: retries left; delivered; failed: every attempt used). Kept for REPORT_RETENTION_DAYS. A key sees its owner's webhooks only (another owner's is 404); admin sees every owner's.
         */
        get: operations["webhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description The process answers; no dependency is checked (an outage must not restart every pod).
         */
        get: operations["live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description PostgreSQL and Redis (the worker: S3 too) each answer within 2 s.
         */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Request durations by route and status (status polls included: they are not access-logged), reports triggered and lost, queue jobs by state, process metrics.
         */
        get: operations["scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Bull Board, the queue UI
         * @description The operators' view of the reports queue (HTML). Mounted only when BULL_BOARD_USER and BULL_BOARD_PASSWORD are set; otherwise 404.
         */
        get: operations["bullBoard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A report id: 32 lowercase hexadecimal characters. */
        ReportId: string;
        ReportLinks: {
            /** @description The status URL (GET /reports/{id}) */
            self: string;
            /** @description The CSV download (GET /reports/{id}/download) */
            download: string;
        };
        TriggerRequest: {
            /** @description The report's "now" as an ISO-8601 instant with Z or an offset; default: the latest poll. */
            as_of?: string | null;
            /**
             * @description hourly or step, default hourly; see docs/uptime-spec.md.
             * @enum {string}
             */
            method?: "hourly" | "step";
            /** @description Where to POST a signed webhook (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature) when this report is completed, failed or cancelled; the body is {type, timestamp, data} with data = the report as GET /reports/{id} shows it. Signed with callback_secret, returned in this answer only (and in an Idempotency-Key replay of it). Private, loopback and link-local addresses are refused (400) unless WEBHOOK_ALLOW_PRIVATE=true. */
            callback_url?: string;
        };
        TriggerAccepted: {
            id: components["schemas"]["ReportId"];
            /** @constant */
            status: "queued";
            links: components["schemas"]["ReportLinks"];
            /** @description With a callback_url only: the secret its deliveries are signed with (whsec_…); shown in this answer (and its Idempotency-Key replays) only */
            callback_secret?: string;
        };
        ReportDetails: {
            id: components["schemas"]["ReportId"];
            /** @enum {string} */
            status: "queued" | "running" | "complete" | "failed" | "cancelled" | "expired";
            progress: number;
            parameters: {
                as_of: string | null;
                /** @enum {string} */
                method: "hourly" | "step";
            };
            counts: {
                /** @description Stores in the report; null until it is complete */
                stores: number | null;
                /** @description Polls later than now_used in the report's week, left out of it; null until it is complete */
                polls_after_now: number | null;
            };
            /** @description The "now" the report used; null until it is complete */
            now_used: string | null;
            /** @description What the numbers alone do not say; the report is complete and correct all the same. no_polls: no poll at or before now in the week, so no store (count 0); stores_without_zone / invalid_zone: stores computed in America/Chicago because their zone is missing / not an IANA name (count: stores). */
            warnings: {
                /** @enum {string} */
                code: "no_polls" | "stores_without_zone" | "invalid_zone";
                count: number;
            }[];
            error: string | null;
            attempts: number;
            /** @description ISO-8601 instant (UTC) */
            created_at: string;
            started_at: string | null;
            finished_at: string | null;
            links: components["schemas"]["ReportLinks"];
        };
        ReportList: {
            /** @description Newest first */
            items: components["schemas"]["ReportDetails"][];
            /** @description The next page (same filters, opaque cursor); null on the last page */
            next: string | null;
        };
        /** @description A webhook endpoint id: 32 lowercase hexadecimal characters. */
        WebhookId: string;
        WebhookCreateRequest: {
            /** @description Where to POST the signed deliveries: an absolute http(s) URL, no credentials. Private, loopback and link-local addresses are refused (400) unless WEBHOOK_ALLOW_PRIVATE=true. */
            url: string;
            /** @description The events to deliver: a report of this owner completed, failed or cancelled. */
            events: ("report.completed" | "report.failed" | "report.cancelled")[];
        };
        Webhook: {
            id: components["schemas"]["WebhookId"];
            url: string;
            events: ("report.completed" | "report.failed" | "report.cancelled")[];
            /** @description The owner of the key that registered it (null with API_AUTH=off); it hears about this owner's reports */
            owner: string | null;
            /** @description ISO-8601 instant (UTC) */
            created_at: string;
            links: {
                self: string;
                /** @description GET /webhooks/{id}/deliveries */
                deliveries: string;
            };
        };
        WebhookCreated: {
            id: components["schemas"]["WebhookId"];
            url: string;
            events: ("report.completed" | "report.failed" | "report.cancelled")[];
            /** @description The owner of the key that registered it (null with API_AUTH=off); it hears about this owner's reports */
            owner: string | null;
            /** @description ISO-8601 instant (UTC) */
            created_at: string;
            links: {
                self: string;
                /** @description GET /webhooks/{id}/deliveries */
                deliveries: string;
            };
            /** @description The Standard Webhooks signing secret: whsec_ and the base64 key. Shown once; keep it to verify webhook-signature. */
            secret: string;
        };
        WebhookList: {
            /** @description Newest first */
            items: components["schemas"]["Webhook"][];
        };
        WebhookDeliveries: {
            /** @description The latest 100 attempts, newest first */
            items: {
                /** @description The webhook-id header of the delivery: the same on every attempt of it */
                webhook_id: string;
                /** @enum {string} */
                event: "report.completed" | "report.failed" | "report.cancelled";
                report_id: components["schemas"]["ReportId"];
                attempt: number;
                /** @description ISO-8601 instant (UTC) */
                attempted_at: string;
                /** @description The receiver's status code; null when it did not answer */
                status_code: number | null;
                duration_ms: number;
                /** @description The first 200 characters of the answer, whitespace folded */
                response_excerpt: string | null;
                /** @description Why there was no answer (refused, timed out, address not allowed) */
                error: string | null;
                /**
                 * @description delivered: a 2xx; retrying: tried again later; failed: the last attempt failed
                 * @enum {string}
                 */
                outcome: "delivered" | "retrying" | "failed";
                /**
                 * @description What became of the delivery as a whole
                 * @enum {string}
                 */
                delivery_status: "pending" | "delivered" | "failed";
            }[];
        };
        ReportStoreRow: {
            store_id: string;
            /** @description As the CSV prints it (two decimals) */
            uptime_last_hour: number;
            /** @description As the CSV prints it (two decimals) */
            uptime_last_day: number;
            /** @description As the CSV prints it (two decimals) */
            uptime_last_week: number;
            /** @description As the CSV prints it (two decimals) */
            downtime_last_hour: number;
            /** @description As the CSV prints it (two decimals) */
            downtime_last_day: number;
            /** @description As the CSV prints it (two decimals) */
            downtime_last_week: number;
        };
        ReportStores: {
            report_id: components["schemas"]["ReportId"];
            /** @description In the requested order; ties by store_id */
            items: components["schemas"]["ReportStoreRow"][];
            /** @description The next page (same parameters, opaque cursor); null on the last page */
            next: string | null;
        };
        CompatTriggerAnswer: {
            report_id: components["schemas"]["ReportId"];
        };
        CompatStatusRequest: {
            report_id: components["schemas"]["ReportId"];
        };
        CompatReportState: {
            /** @constant */
            status: "Running";
            progress: number;
        } | {
            /** @constant */
            status: "Complete";
            /** @description Presigned S3 GET URL of the CSV */
            url: string;
        } | {
            /** @constant */
            status: "Failed";
            error: string;
        } | {
            /** @constant */
            status: "Cancelled";
        };
        InvalidField: {
            /** @description The field (or query parameter) concerned; `(body)` for the body as a whole */
            path: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @description `about:blank` or a `urn:store-uptime:problem:…` URN */
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @description The request path */
            instance: string;
            /** @description Each invalid field or parameter (400) */
            errors?: components["schemas"]["InvalidField"][];
            /** @description The scope the API key lacks (403) */
            scope?: string;
            /** @description Each readiness check (503 from /health/ready) */
            checks?: {
                [key: string]: {
                    status: string;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        StoreUptime: {
            store_id: string;
            /** @enum {string} */
            method: "hourly" | "step";
            /** @description the report's now: as_of, or the latest poll of all stores */
            now_used: string;
            /** @description minutes, 2 decimals */
            uptime_last_hour: number;
            /** @description hours, 2 decimals */
            uptime_last_day: number;
            /** @description hours, 2 decimals */
            uptime_last_week: number;
            /** @description minutes, 2 decimals */
            downtime_last_hour: number;
            /** @description hours, 2 decimals */
            downtime_last_day: number;
            /** @description hours, 2 decimals */
            downtime_last_week: number;
        };
        StoreTimeline: {
            store_id: string;
            /** @enum {string} */
            method: "hourly" | "step";
            /** @description ISO-8601 instant, UTC, microseconds */
            now_used: string;
            zone: {
                used: string;
                /** @description the zone row that sorts first; null when the store has none */
                given: string | null;
                /** @description why America/Chicago is used instead, if it is */
                fallback: ("missing" | "invalid") | null;
            };
            business_hours: {
                /** @description no (valid) hours rows: open all the time */
                open_all_week: boolean;
                rows: {
                    /** @description 0 = Monday */
                    day_of_week: number;
                    start_time_local: string;
                    end_time_local: string;
                }[];
            };
            /** @description the business time inside [now − 7 d, now): sorted, disjoint, half-open */
            business_intervals: {
                /** @description ISO-8601 instant, UTC, microseconds */
                start_utc: string;
                /** @description ISO-8601 instant, UTC, microseconds */
                end_utc: string;
                /** @description ISO-8601 wall-clock time in the store's zone, with that moment's offset */
                start_local: string;
                /** @description ISO-8601 wall-clock time in the store's zone, with that moment's offset */
                end_local: string;
            }[];
            /** @description the carry-in poll (latest before the week) and every poll of [now − 7 d, now], in time order */
            polls: {
                /** @description ISO-8601 instant, UTC, microseconds */
                timestamp_utc: string;
                /** @description ISO-8601 wall-clock time in the store's zone, with that moment's offset */
                timestamp_local: string;
                /** @enum {string} */
                status: "active" | "inactive";
                counted: boolean;
                /** @enum {string} */
                reason: "carry_in" | "in_window" | "in_business_hours" | "outside_business_hours" | "at_now";
            }[];
            /** @description the status the method derived over the week: step, one per counted poll; hourly, one per UTC hour bucket */
            segments: {
                /** @description ISO-8601 instant, UTC, microseconds */
                start_utc: string;
                /** @description ISO-8601 instant, UTC, microseconds */
                end_utc: string;
                /** @enum {string} */
                status: "active" | "inactive";
                basis: {
                    /** @enum {string} */
                    rule: "poll" | "last_known" | "first_poll";
                    /** @description ISO-8601 instant, UTC, microseconds */
                    poll_utc: string;
                } | {
                    /** @constant */
                    rule: "votes";
                    active_votes: number;
                    inactive_votes: number;
                };
            }[];
            /** @description exact totals before rounding */
            windows: {
                last_hour: {
                    /** @description the window is [start_utc, now_used) */
                    start_utc: string;
                    business_seconds: number;
                    uptime_seconds: number;
                    downtime_seconds: number;
                };
                last_day: {
                    /** @description the window is [start_utc, now_used) */
                    start_utc: string;
                    business_seconds: number;
                    uptime_seconds: number;
                    downtime_seconds: number;
                };
                last_week: {
                    /** @description the window is [start_utc, now_used) */
                    start_utc: string;
                    business_seconds: number;
                    uptime_seconds: number;
                    downtime_seconds: number;
                };
            };
            /** @description the same numbers as GET /stores/{store_id}/uptime */
            numbers: {
                store_id: string;
                /** @description minutes, 2 decimals */
                uptime_last_hour: number;
                /** @description hours, 2 decimals */
                uptime_last_day: number;
                /** @description hours, 2 decimals */
                uptime_last_week: number;
                /** @description minutes, 2 decimals */
                downtime_last_hour: number;
                /** @description hours, 2 decimals */
                downtime_last_day: number;
                /** @description hours, 2 decimals */
                downtime_last_week: number;
            };
        };
        HealthStatus: {
            /** @constant */
            status: "ok";
            info: {
                [key: string]: {
                    /** @constant */
                    status: "up";
                } & {
                    [key: string]: unknown;
                };
            };
            error: {
                [key: string]: {
                    status: string;
                } & {
                    [key: string]: unknown;
                };
            };
            details: {
                [key: string]: {
                    status: string;
                } & {
                    [key: string]: unknown;
                };
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description Where the answer is: the status URL (202) or the presigned CSV URL (302) */
        Location: string;
        /** @description Seconds to wait before asking again */
        RetryAfter: string;
        /** @description Seconds to wait before asking again (only while the report is being computed) */
        RetryAfterWhileComputing: string;
        /** @description The RFC 6750 Bearer challenge: error="invalid_token" for a bad key, error="insufficient_scope" with the scope needed (403) */
        WwwAuthenticate: string;
        /** @description Triggers allowed per API key per minute (absent when TRIGGER_RATE_LIMIT is 0) */
        RateLimitLimit: string;
        /** @description Triggers left in this minute */
        RateLimitRemaining: string;
        /** @description Seconds until the budget is full again */
        RateLimitReset: string;
        /** @description true: the report an earlier request with this Idempotency-Key started */
        IdempotentReplayed: "true";
        /** @description Status answers change: never cached */
        CacheControlNoStore: "no-store";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    triggerGet: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1–255 visible ASCII characters (0x21–0x7E). The same key with the same parameters within 24 h returns the same report (the first answer's body, header Idempotent-Replayed: true) instead of starting another; with other parameters, 409. Kept in PostgreSQL, so it holds across API replicas and restarts. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued (or replayed for an Idempotency-Key): the report id */
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatTriggerAnswer"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A conflict with the report's state: not complete yet (Retry-After), failed or cancelled; already finished; or an Idempotency-Key used with other parameters */
            409: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterWhileComputing"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many triggers with this API key (TRIGGER_RATE_LIMIT per minute, shared by every trigger route) */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    triggerPost: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1–255 visible ASCII characters (0x21–0x7E). The same key with the same parameters within 24 h returns the same report (the first answer's body, header Idempotent-Replayed: true) instead of starting another; with other parameters, 409. Kept in PostgreSQL, so it holds across API replicas and restarts. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued (or replayed for an Idempotency-Key): the report id */
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatTriggerAnswer"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A conflict with the report's state: not complete yet (Retry-After), failed or cancelled; already finished; or an Idempotency-Key used with other parameters */
            409: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterWhileComputing"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over 16 kB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many triggers with this API key (TRIGGER_RATE_LIMIT per minute, shared by every trigger route) */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReport: {
        parameters: {
            query: {
                report_id: components["schemas"]["ReportId"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report state */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatReportState"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Expired: older than REPORT_RETENTION_DAYS (default 30), its CSV deleted */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReportPost: {
        parameters: {
            query?: {
                /** @description Only when the body is empty */
                report_id?: components["schemas"]["ReportId"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CompatStatusRequest"];
            };
        };
        responses: {
            /** @description The report state */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatReportState"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Expired: older than REPORT_RETENTION_DAYS (default 30), its CSV deleted */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over 16 kB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    echo: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                message: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example hello */
                    "text/plain": string;
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                created_before?: string;
                created_after?: string;
                method?: "hourly" | "step";
                status?: "queued" | "running" | "complete" | "failed" | "cancelled" | "expired";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportList"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    trigger: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1–255 visible ASCII characters (0x21–0x7E). The same key with the same parameters within 24 h returns the same report (the first answer's body, header Idempotent-Replayed: true) instead of starting another; with other parameters, 409. Kept in PostgreSQL, so it holds across API replicas and restarts. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TriggerRequest"];
            };
        };
        responses: {
            /** @description Replayed: the report this Idempotency-Key started, with the first answer's body */
            200: {
                headers: {
                    Location: components["headers"]["Location"];
                    "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerAccepted"];
                };
            };
            /** @description Queued; Location is the status URL */
            202: {
                headers: {
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerAccepted"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A conflict with the report's state: not complete yet (Retry-After), failed or cancelled; already finished; or an Idempotency-Key used with other parameters */
            409: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterWhileComputing"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over 16 kB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many triggers with this API key (TRIGGER_RATE_LIMIT per minute, shared by every trigger route) */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    details: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["ReportId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportDetails"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["ReportId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportDetails"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A conflict with the report's state: not complete yet (Retry-After), failed or cancelled; already finished; or an Idempotency-Key used with other parameters */
            409: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterWhileComputing"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over 16 kB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    stores: {
        parameters: {
            query?: {
                sort?: "store_id" | "uptime_last_hour" | "uptime_last_day" | "uptime_last_week" | "downtime_last_hour" | "downtime_last_day" | "downtime_last_week";
                order?: "asc" | "desc";
                /** @description Only these stores; repeat the parameter for several (at most 1000). */
                store_id?: string[];
                /** @description Only stores whose uptime_last_hour is at least this (inclusive). */
                min_uptime_last_hour?: number;
                /** @description Only stores whose uptime_last_hour is at most this (inclusive). */
                max_uptime_last_hour?: number;
                /** @description Only stores whose uptime_last_day is at least this (inclusive). */
                min_uptime_last_day?: number;
                /** @description Only stores whose uptime_last_day is at most this (inclusive). */
                max_uptime_last_day?: number;
                /** @description Only stores whose uptime_last_week is at least this (inclusive). */
                min_uptime_last_week?: number;
                /** @description Only stores whose uptime_last_week is at most this (inclusive). */
                max_uptime_last_week?: number;
                /** @description Only stores whose downtime_last_hour is at least this (inclusive). */
                min_downtime_last_hour?: number;
                /** @description Only stores whose downtime_last_hour is at most this (inclusive). */
                max_downtime_last_hour?: number;
                /** @description Only stores whose downtime_last_day is at least this (inclusive). */
                min_downtime_last_day?: number;
                /** @description Only stores whose downtime_last_day is at most this (inclusive). */
                max_downtime_last_day?: number;
                /** @description Only stores whose downtime_last_week is at least this (inclusive). */
                min_downtime_last_week?: number;
                /** @description Only stores whose downtime_last_week is at most this (inclusive). */
                max_downtime_last_week?: number;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: components["schemas"]["ReportId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportStores"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A conflict with the report's state: not complete yet (Retry-After), failed or cancelled; already finished; or an Idempotency-Key used with other parameters */
            409: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterWhileComputing"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Expired: older than REPORT_RETENTION_DAYS (default 30), its CSV deleted */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    download: {
        parameters: {
            query?: {
                /** @description csv (default: the 302) or jsonl (the rows as application/x-ndjson; Accept: application/x-ndjson says the same) */
                format?: "csv" | "jsonl";
            };
            header?: never;
            path: {
                id: components["schemas"]["ReportId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rows as JSON Lines (format=jsonl) */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example {"store_id":"8419537941919820732","uptime_last_hour":0,"uptime_last_day":2,"uptime_last_week":51.25,"downtime_last_hour":60,"downtime_last_day":11,"downtime_last_week":27.75} */
                    "application/x-ndjson": string;
                };
            };
            /** @description Location is a presigned S3 GET URL of the CSV */
            302: {
                headers: {
                    Location: components["headers"]["Location"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A conflict with the report's state: not complete yet (Retry-After), failed or cancelled; already finished; or an Idempotency-Key used with other parameters */
            409: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterWhileComputing"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Expired: older than REPORT_RETENTION_DAYS (default 30), its CSV deleted */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uptime: {
        parameters: {
            query?: {
                /** @description hourly or step, default hourly; see docs/uptime-spec.md. */
                method?: "hourly" | "step";
                /** @description The report's "now" as an ISO-8601 instant with Z or an offset; default: the latest poll. From 1970 up to (not including) 2100. Encode a + offset as %2B. */
                as_of?: string;
            };
            header?: never;
            path: {
                /** @description a store id as ingested: 1–256 characters, no control characters, no white space at either end */
                store_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The store's numbers */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoreUptime"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    timeline: {
        parameters: {
            query?: {
                /** @description hourly or step, default hourly; see docs/uptime-spec.md. */
                method?: "hourly" | "step";
                /** @description The report's "now" as an ISO-8601 instant with Z or an offset; default: the latest poll. From 1970 up to (not including) 2100. Encode a + offset as %2B. */
                as_of?: string;
            };
            header?: never;
            path: {
                /** @description a store id as ingested: 1–256 characters, no control characters, no white space at either end */
                store_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The evidence */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoreTimeline"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoints */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookList"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCreateRequest"];
            };
        };
        responses: {
            /** @description Registered: the endpoint and its signing secret (never shown again) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookCreated"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over 16 kB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["WebhookId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    webhookDeliveries: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: components["schemas"]["WebhookId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The attempts */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveries"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the scope this operation needs (admin has every scope) */
            403: {
                headers: {
                    "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report, store or webhook (another owner's is unknown too) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL not answering within its deadline */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
            /** @description An unknown query parameter (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
            /** @description An unknown query parameter (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dependency is down: each check in `checks` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    scrape: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format 0.0.4 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example # TYPE reports_triggered_total counter
                     *     reports_triggered_total{method="hourly"} 3
                     */
                    "text/plain": string;
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    bullBoard: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The UI */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /** @example <!DOCTYPE html><html>…</html> */
                    "text/html": string;
                };
            };
            /** @description An unknown query parameter (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Credentials missing or wrong */
            401: {
                headers: {
                    /** @description The basic-auth challenge */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not mounted (no credentials configured) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error (logged; its text is never sent) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
