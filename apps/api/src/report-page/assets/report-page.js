// The report page (/reports/{id}/view): plain browser JavaScript, loaded as a file (the CSP allows
// no inline script), with uPlot (loaded before it as a global) for the charts. Every data fetch
// carries the API key the reader gave once for this browser session (sessionStorage); with
// API_AUTH=off no key is asked for.
(function () {
  'use strict';

  const KEY_STORAGE = 'store-uptime-api-key';
  const COLUMNS = ['store_id', 'uptime_last_hour', 'uptime_last_day', 'uptime_last_week', 'downtime_last_hour', 'downtime_last_day', 'downtime_last_week'];
  const HEADINGS = ['store', 'up, hour (min)', 'up, day (h)', 'up, week (h)', 'down, hour (min)', 'down, day (h)', 'down, week (h)'];
  const ROW_HEIGHT = 24;
  const reportId = decodeURIComponent(location.pathname.split('/')[2] || '');

  const $ = (id) => document.getElementById(id);
  const state = { report: null, rows: [], shown: [], sort: 'store_id', order: 'asc', chosen: null, chart: null, histogram: null };

  function setState(value) {
    document.body.dataset.state = value;
  }

  function say(text, isError) {
    $('message').textContent = text;
    $('message').className = isError ? 'error' : '';
  }

  class Unauthorized extends Error {}

  async function api(path) {
    const key = sessionStorage.getItem(KEY_STORAGE);
    const response = await fetch(path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
    if (response.status === 401) throw new Unauthorized();
    if (!response.ok) {
      let detail = response.statusText;
      try {
        detail = (await response.json()).detail || detail;
      } catch {
        // not problem+json
      }
      throw new Error(`${response.status}: ${detail}`);
    }
    return response;
  }

  function askForKey() {
    setState('needs-key');
    $('key-form').hidden = false;
    $('key-input').focus();
  }

  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('key-input').value.trim());
    $('key-form').hidden = true;
    $('key-error').textContent = '';
    void start();
  });

  function showMeta(report) {
    const meta = $('report-meta');
    meta.textContent = '';
    const add = (term, value) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dd.dataset.field = term;
      meta.append(dt, dd);
    };
    add('status', report.status);
    add('method', report.parameters.method);
    add('as_of', report.parameters.as_of ?? 'latest poll');
    add('now used', report.now_used ?? '—');
    add('stores', report.counts.stores === null ? '—' : String(report.counts.stores));
    add('created', report.created_at);
    if (report.warnings.length > 0) add('warnings', report.warnings.map((w) => `${w.code} ${w.count}`).join(', '));
    if (report.error) add('error', report.error);
  }

  async function start() {
    $('report-id').textContent = reportId;
    setState('loading');
    try {
      const report = await (await api(`/reports/${encodeURIComponent(reportId)}`)).json();
      state.report = report;
      showMeta(report);
      if (report.status === 'queued' || report.status === 'running') {
        say(`The report is ${report.status} (${Math.round(report.progress * 100)} %); this page follows it.`);
        setTimeout(() => void start(), 2000);
        return;
      }
      if (report.status !== 'complete') {
        say(`The report is ${report.status}: it has no rows.`, true);
        setState('finished');
        return;
      }
      say('');
      await loadRows();
    } catch (error) {
      if (error instanceof Unauthorized) {
        if (sessionStorage.getItem(KEY_STORAGE)) $('key-error').textContent = 'That key was refused.';
        sessionStorage.removeItem(KEY_STORAGE);
        askForKey();
        return;
      }
      say(`Could not load the report: ${error.message}`, true);
      setState('error');
    }
  }

  /** Every row at once as JSON Lines: one request, parsed into column arrays the table sorts by index. */
  async function loadRows() {
    const text = await (await api(`/reports/${encodeURIComponent(reportId)}/download?format=jsonl`)).text();
    const rows = [];
    for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line));
    state.rows = rows;
    $('report').hidden = false;
    drawHistogram(rows);
    buildHead();
    applyView();
    setState('ready');
  }

  function drawHistogram(rows) {
    const bins = new Array(20).fill(0);
    for (const row of rows) {
      const total = row.uptime_last_week + row.downtime_last_week;
      if (total <= 0) continue;
      bins[Math.min(19, Math.floor((row.uptime_last_week / total) * 20))]++;
    }
    const xs = bins.map((_count, i) => i * 5 + 2.5);
    const el = $('histogram');
    state.histogram?.destroy();
    state.histogram = new uPlot(
      {
        width: Math.min(900, el.clientWidth || 900),
        height: 220,
        scales: { x: { time: false, range: [0, 100] } },
        axes: [{ label: 'uptime last week (% of business hours)' }, { label: 'stores' }],
        legend: { show: false },
        series: [{}, { label: 'stores', fill: '#4a7fc1', stroke: '#2d5a94', paths: uPlot.paths.bars({ size: [0.9, 60] }), points: { show: false } }],
      },
      [xs, bins],
      el,
    );
  }

  function buildHead() {
    const head = $('table-head');
    head.textContent = '';
    COLUMNS.forEach((column, i) => {
      const cell = document.createElement('span');
      cell.setAttribute('role', 'columnheader');
      cell.dataset.column = column;
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = HEADINGS[i];
      button.addEventListener('click', () => {
        state.order = state.sort === column && state.order === 'asc' ? 'desc' : 'asc';
        state.sort = column;
        applyView();
      });
      cell.append(button);
      head.append(cell);
    });
  }

  /** Filter, sort and render: the rows are only indexed, never copied. */
  function applyView() {
    const needle = $('filter-store').value.trim();
    const minDown = $('filter-downtime').value === '' ? null : Number($('filter-downtime').value);
    const { rows, sort, order } = state;
    const shown = [];
    for (let i = 0; i < rows.length; i++) {
      if (needle && !rows[i].store_id.includes(needle)) continue;
      if (minDown !== null && rows[i].downtime_last_week < minDown) continue;
      shown.push(i);
    }
    const sign = order === 'asc' ? 1 : -1;
    shown.sort((a, b) => {
      const x = rows[a];
      const y = rows[b];
      const byValue = sort === 'store_id' ? 0 : x[sort] - y[sort];
      if (byValue !== 0) return sign * byValue;
      return sign * (x.store_id < y.store_id ? -1 : x.store_id > y.store_id ? 1 : 0);
    });
    state.shown = shown;
    for (const cell of $('table-head').children) {
      cell.setAttribute('aria-sort', cell.dataset.column === sort ? (order === 'asc' ? 'ascending' : 'descending') : 'none');
    }
    $('row-count').textContent = `(${shown.length.toLocaleString('en')} of ${rows.length.toLocaleString('en')})`;
    $('row-count').dataset.shown = String(shown.length);
    $('table-spacer').style.height = `${shown.length * ROW_HEIGHT}px`;
    $('table-body').scrollTop = 0;
    renderVisible();
  }

  /** Only the rows in view exist in the DOM (plus a margin), so tens of thousands scroll smoothly. */
  function renderVisible() {
    const body = $('table-body');
    const first = Math.max(0, Math.floor(body.scrollTop / ROW_HEIGHT) - 10);
    const last = Math.min(state.shown.length, first + Math.ceil(body.clientHeight / ROW_HEIGHT) + 20);
    for (const old of body.querySelectorAll('.row')) old.remove();
    const fragment = document.createDocumentFragment();
    for (let position = first; position < last; position++) {
      const row = state.rows[state.shown[position]];
      const line = document.createElement('div');
      line.className = row.store_id === state.chosen ? 'row chosen' : 'row';
      line.setAttribute('role', 'row');
      line.style.top = `${position * ROW_HEIGHT}px`;
      line.dataset.storeId = row.store_id;
      for (const column of COLUMNS) {
        const cell = document.createElement('span');
        cell.setAttribute('role', 'cell');
        cell.textContent = column === 'store_id' ? row.store_id : row[column].toFixed(2);
        line.append(cell);
      }
      fragment.append(line);
    }
    body.append(fragment);
  }

  $('table-body').addEventListener('scroll', () => requestAnimationFrame(renderVisible));
  $('filter-store').addEventListener('input', applyView);
  $('filter-downtime').addEventListener('input', applyView);
  $('table-body').addEventListener('click', (event) => {
    const line = event.target.closest('.row');
    if (line) void chooseStore(line.dataset.storeId);
  });

  const seconds = (iso) => Date.parse(iso) / 1000;

  async function chooseStore(storeId) {
    state.chosen = storeId;
    renderVisible();
    $('chart-store').textContent = storeId;
    $('chart').dataset.state = 'loading';
    const { report } = state;
    const query = new URLSearchParams({ method: report.parameters.method });
    if (report.now_used) query.set('as_of', report.now_used);
    try {
      const timeline = await (await api(`/stores/${encodeURIComponent(storeId)}/timeline?${query}`)).json();
      drawWeek(timeline);
      $('chart').dataset.state = 'drawn';
      $('chart').dataset.storeId = storeId;
    } catch (error) {
      $('chart').dataset.state = 'error';
      say(`Could not load the week of ${storeId}: ${error.message}`, true);
    }
  }

  /**
   * One x array for every series (uPlot's data model): the derived status as a line (1 active,
   * 0 inactive, broken between segments), and the polls as points at their status.
   */
  function drawWeek(timeline) {
    const points = new Map();
    const at = (x) => {
      if (!points.has(x)) points.set(x, { status: null, active: null, inactive: null });
      return points.get(x);
    };
    const starts = new Set(timeline.segments.map((segment) => seconds(segment.start_utc)));
    for (const segment of timeline.segments) {
      const value = segment.status === 'active' ? 1 : 0;
      const end = seconds(segment.end_utc);
      at(seconds(segment.start_utc)).status = value;
      at(end - 0.001).status = value;
      // No segment goes on from here (outside business hours): a null point breaks the line.
      if (!starts.has(end)) at(end);
    }
    for (const poll of timeline.polls) {
      const point = at(seconds(poll.timestamp_utc));
      if (poll.status === 'active') point.active = 1.04;
      else point.inactive = -0.04;
    }
    const xs = [...points.keys()].sort((a, b) => a - b);
    const data = [xs, xs.map((x) => points.get(x).status), xs.map((x) => points.get(x).active), xs.map((x) => points.get(x).inactive)];
    const weekEnd = seconds(timeline.now_used);
    const intervals = timeline.business_intervals.map((interval) => [seconds(interval.start_utc), seconds(interval.end_utc)]);
    const el = $('chart');
    state.chart?.destroy();
    state.chart = new uPlot(
      {
        width: Math.min(1100, el.clientWidth || 1100),
        height: 260,
        scales: { x: { time: true, range: [weekEnd - 7 * 86400, weekEnd] }, y: { range: [-0.2, 1.2] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => (t === 1 ? 'active' : t === 0 ? 'inactive' : '')), splits: () => [0, 1], size: 70 }],
        series: [
          {},
          { label: 'derived status', stroke: '#333', width: 2, spanGaps: false, points: { show: false } },
          { label: 'active poll', stroke: '#1a9641', paths: () => null, points: { show: true, size: 7, fill: '#1a9641' } },
          { label: 'inactive poll', stroke: '#d7191c', paths: () => null, points: { show: true, size: 7, fill: '#d7191c' } },
        ],
        hooks: {
          drawClear: [
            (u) => {
              const { ctx, bbox } = u;
              ctx.save();
              ctx.fillStyle = 'rgba(74, 127, 193, 0.15)';
              for (const [start, end] of intervals) {
                const left = u.valToPos(start, 'x', true);
                const right = u.valToPos(end, 'x', true);
                ctx.fillRect(left, bbox.top, Math.max(1, right - left), bbox.height);
              }
              ctx.restore();
            },
          ],
        },
      },
      data,
      el,
    );
  }

  void start();
})();
