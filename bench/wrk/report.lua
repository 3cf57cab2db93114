-- wrk script of CloudMart's benchmark (bench/run, docs/benchmark.md). It sends one kind of
-- request and, when wrk is done, writes one line "BENCH_RESULT {json}" with the request count,
-- wrk's errors, latency percentiles in microseconds and, unless BENCH_STATUSES=0, the count of
-- each HTTP status. Environment:
--   BENCH_METHOD    GET (default) or POST
--   BENCH_BODY      request body, sent as application/json when set
--   BENCH_STATUSES  0 to leave out the status counts: the response() callback that counts
--                   them makes wrk parse every response, which costs wrk CPU on the fastest
--                   targets (nginx's /health); wrk's own count of status >= 400 remains.
-- By hand: BENCH_METHOD=POST BENCH_BODY='{"item": "laptop", "quantity": 1}' \
--          wrk -t2 -c16 -d10s -s bench/wrk/report.lua http://127.0.0.1:8080/api/orders

wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
end

-- setup() runs in wrk's main Lua state; every thread also runs this file in a state of its own,
-- so `statuses` below is one table per thread, collected in done() through thread:get().
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

local count_statuses = os.getenv("BENCH_STATUSES") ~= "0"

if count_statuses then
    statuses = {}

    function response(status, headers, body)
        statuses[status] = (statuses[status] or 0) + 1
    end
end

local function number(value)
    return string.format("%.0f", value)
end

function done(summary, latency, requests)
    local status_json = "null"
    if count_statuses then
        local counts = {}
        for _, thread in ipairs(threads) do
            local per_thread = thread:get("statuses")
            if per_thread ~= nil then
                for code, n in pairs(per_thread) do
                    counts[code] = (counts[code] or 0) + n
                end
            end
        end
        local parts = {}
        for code, n in pairs(counts) do
            parts[#parts + 1] = string.format('"%d":%s', code, number(n))
        end
        table.sort(parts)
        status_json = "{" .. table.concat(parts, ",") .. "}"
    end

    local e = summary.errors
    -- With no response at all, wrk's minimum latency is still its initial value, 2^64 - 1.
    local min_latency = latency.min
    if summary.requests == 0 then
        min_latency = 0
    end
    io.write("BENCH_RESULT {",
        '"duration_us":', number(summary.duration), ",",
        '"requests":', number(summary.requests), ",",
        '"bytes":', number(summary.bytes), ",",
        '"errors":{"connect":', number(e.connect), ',"read":', number(e.read),
        ',"write":', number(e.write), ',"status":', number(e.status), ',"timeout":', number(e.timeout), "},",
        '"latency_us":{"min":', number(min_latency), ',"mean":', number(latency.mean),
        ',"stdev":', number(latency.stdev), ',"max":', number(latency.max),
        ',"p50":', number(latency:percentile(50)), ',"p90":', number(latency:percentile(90)),
        ',"p99":', number(latency:percentile(99)), ',"p999":', number(latency:percentile(99.9)), "},",
        '"statuses":', status_json,
        "}\n")
end
