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
         * @description The same as POST /trigger_report, for clients of the original service that used GET.
         */
        get: operations["triggerGet"];
        put?: never;
        /**
         * Trigger a report with default parameters (original route)
         * @description Queues a report over the latest poll with the hourly method and answers its id at once; poll GET /get_report with it. Takes no body.
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
         * @description Running with its progress, Complete with a presigned link to the CSV, or Failed with the reason. Status polls are not access-logged; they are counted in /metrics.
         */
        get: operations["getReport"];
        put?: never;
        /**
         * Poll a report (original route, JSON body)
         * @description As GET /get_report, with the id in a JSON body (or, for old clients, in the query string when the body is empty).
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
        get?: never;
        put?: never;
        /**
         * Trigger a report
         * @description Queues a report with the given parameters and answers at once; poll the status link (Location).
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
         * @description Status, progress, parameters, counts, warnings and times of a report. Status polls are not access-logged; they are counted in /metrics.
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
    "/reports/{id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download the CSV of a report
         * @description Redirects (302) to a fresh presigned S3 URL of the CSV. A client that follows redirects gets text/csv from S3.
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
        };
        TriggerAccepted: {
            id: components["schemas"]["ReportId"];
            /** @constant */
            status: "queued";
            links: components["schemas"]["ReportLinks"];
        };
        ReportDetails: {
            id: components["schemas"]["ReportId"];
            /** @enum {string} */
            status: "queued" | "running" | "complete" | "failed";
            progress: number;
            parameters: {
                as_of: string | null;
                /** @enum {string} */
                method: "hourly" | "step";
            };
            counts: {
                /** @description Stores in the report; null until it is complete */
                stores: number | null;
                /** @description Input rows skipped as invalid; null until it is complete */
                rows_skipped: number | null;
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
            /** @description Each readiness check (503 from /health/ready) */
            checks?: {
                [key: string]: {
                    status: string;
                } & {
                    [key: string]: unknown;
                };
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
        /** @description Triggers allowed per client per minute (absent when TRIGGER_RATE_LIMIT is 0) */
        RateLimitLimit: string;
        /** @description Triggers left in this minute */
        RateLimitRemaining: string;
        /** @description Seconds until the budget is full again */
        RateLimitReset: string;
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
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued: the new report id */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatTriggerAnswer"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many triggers from this client (TRIGGER_RATE_LIMIT per minute, shared by every trigger route) */
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
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued: the new report id */
            200: {
                headers: {
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompatTriggerAnswer"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
            400: {
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
            /** @description Too many triggers from this client (TRIGGER_RATE_LIMIT per minute, shared by every trigger route) */
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
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report */
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
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report */
            404: {
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
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
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
    trigger: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TriggerRequest"];
            };
        };
        responses: {
            /** @description Queued; Location is the status URL */
            202: {
                headers: {
                    Location: components["headers"]["Location"];
                    "X-RateLimit-Limit": components["headers"]["RateLimitLimit"];
                    "X-RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                    "X-RateLimit-Reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerAccepted"];
                };
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
            400: {
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
            /** @description Too many triggers from this client (TRIGGER_RATE_LIMIT per minute, shared by every trigger route) */
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
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report */
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
    download: {
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
            /** @description Location is a presigned S3 GET URL of the CSV */
            302: {
                headers: {
                    Location: components["headers"]["Location"];
                    "Cache-Control": components["headers"]["CacheControlNoStore"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unknown report */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The report is not complete yet (Retry-After) or failed */
            409: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterWhileComputing"];
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
            /** @description Malformed request: an unknown query parameter, an invalid field or id (each listed in `errors`) */
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
