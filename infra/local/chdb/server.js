'use strict';
// The part of ClickHouse's HTTP interface that Postdate's client uses, answered by chdb: the current
// ClickHouse engine embedded in this process (no server package for it is reachable here). The test
// suite runs against it as against any ClickHouse (POSTDATE_CLICKHOUSE_URL), so every statement the
// code sends runs on a current release too (docs/clickhouse.md says what this does not exercise).
//
//   node server.js PORT DATA_DIR
//
// One chdb session holds the data; requests run one at a time, in arrival order.

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { Session, version } = require('chdb');

const port = Number(process.argv[2] || 18124);
const dataDir = process.argv[3] || path.join(os.tmpdir(), 'postdate-chdb');
const engineVersion = JSON.parse(version().libchdb);

// URL parameters that describe the request, not a setting of the query.
const REQUEST_PARAMS = new Set(['query', 'database', 'default_format', 'query_id', 'user', 'password',
  'session_id', 'session_timeout', 'session_check', 'compress', 'decompress', 'enable_http_compression',
  'wait_end_of_query', 'send_progress_in_http_headers', 'http_headers_progress_interval_ms',
  'buffer_size', 'quota_key']);
// A setting name is an identifier; a value goes into the SQL only as a quoted literal.
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// "INSERT INTO t (a, b) FORMAT RowBinary" whose rows are the request body.
const INSERT_WITH_DATA = /^\s*INSERT\s+INTO\s[\s\S]*?\sFORMAT\s+(\w+)\s*;?\s*$/i;

fs.mkdirSync(dataDir, { recursive: true });
const session = new Session(dataDir);
let queue = Promise.resolve();
let sequence = 0;

function quote(value) {
  return "'" + String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

// A String parameter arrives in the escaped (TabSeparated) form, an Array(String) one as its literal
// (quoted elements); chdb takes plain values and writes each form again itself.
const TEXT_ESCAPES = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', 0: '\0' };

function unescaped(text) {
  return text.replace(/\\([\s\S])/g, (_, c) => (c in TEXT_ESCAPES ? TEXT_ESCAPES[c] : c));
}

function quotedStrings(literal) {
  return [...literal.matchAll(/'((?:[^'\\]|\\[\s\S])*)'/g)].map((m) => unescaped(m[1]));
}

// The request's query parameters ({name:Type} in the statement), by name, as chdb takes them.
function queryParameters(params, sql) {
  const types = {};
  for (const m of sql.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^}]+)\}/g)) {
    types[m[1]] = m[2].trim();
  }
  const bound = {};
  for (const [name, value] of params) {
    if (name.startsWith('param_')) {
      const key = name.slice('param_'.length);
      bound[key] = types[key] === 'Array(String)' ? quotedStrings(value) : unescaped(value);
    }
  }
  return bound;
}

function settingsClause(params) {
  const pairs = [];
  for (const [name, value] of params) {
    if (REQUEST_PARAMS.has(name) || name.startsWith('param_')) {
      continue;
    }
    if (!SETTING_NAME.test(name)) {
      throw new ShimError(115, `Unknown setting ${JSON.stringify(name)}`);
    }
    pairs.push(`${name} = ${quote(value)}`);
  }
  return pairs.length ? ' SETTINGS ' + pairs.join(', ') : '';
}

class ShimError extends Error {
  constructor(code, message) {
    super(message);
    this.clickhouseCode = code;
  }
}

function body(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const encoding = (request.headers['content-encoding'] || '').toLowerCase();
      try {
        if (encoding === 'gzip') resolve(zlib.gunzipSync(raw));
        else if (encoding === 'deflate') resolve(zlib.inflateSync(raw));
        else if (encoding === '' || encoding === 'identity') resolve(raw);
        else reject(new ShimError(1, `Content-Encoding ${encoding} is not supported by the chdb shim`));
      } catch (e) {
        reject(e);
      }
    });
  });
}

// Runs one request's statement; an INSERT's rows go through a file (FROM INFILE takes any format).
async function run(params, data) {
  const query = params.get('query');
  const settings = settingsClause(params);
  if (params.get('database')) {
    await session.queryAsync(`USE ${params.get('database').replace(/[^A-Za-z0-9_]/g, '')}`);
  }
  const insert = query && INSERT_WITH_DATA.exec(query);
  if (insert) {
    const file = path.join(dataDir, `insert-${process.pid}-${++sequence}.bin`);
    fs.writeFileSync(file, data);
    try {
      const head = query.replace(/\sFORMAT\s+\w+\s*;?\s*$/i, '');
      const result = await session.queryAsync(`${head} FROM INFILE ${quote(file)}${settings} FORMAT ${insert[1]}`);
      return { bytes: Buffer.alloc(0), result, format: insert[1] };
    } finally {
      fs.rmSync(file, { force: true });
    }
  }
  let sql = [query, data.length ? data.toString('utf8') : ''].filter(Boolean).join('\n').trim().replace(/;\s*$/, '');
  if (!sql) {
    throw new ShimError(62, 'Empty query');
  }
  if (settings) {
    // SETTINGS precedes FORMAT, and an INSERT's VALUES (after them it would be read as a row); a
    // statement with neither takes it at the end.
    const format = /\sFORMAT\s+\w+\s*$/i.exec(sql);
    // The first VALUES of an INSERT with no SELECT before it: not one in a SELECT's literal or values().
    const values = /^\s*INSERT\s+INTO\s(?:(?!\bSELECT\b)[\s\S])*?(\sVALUES\b)/i.exec(sql);
    if (format) {
      sql = sql.slice(0, format.index) + settings + format[0];
    } else if (values) {
      const at = values.index + values[0].length - values[1].length;
      sql = sql.slice(0, at) + settings + sql.slice(at);
    } else {
      sql += settings;
    }
  }
  const format = params.get('default_format') || 'TabSeparated';
  const bound = queryParameters(params, sql);
  const result = Object.keys(bound).length
    ? await session.queryBindAsync(sql, bound, { format })
    : await session.queryAsync(sql, { format });
  return { bytes: Buffer.from(result.bytes()), result, format };
}

function exceptionName(message) {
  const match = /\(([A-Z_]+)\)\s*$/.exec(message.trim());
  return match ? match[1] : '';
}

function status(code, message) {
  // The codes current servers map to HTTP statuses; everything else is 500, as ClickHouse does.
  switch (exceptionName(message)) {
    case 'UNKNOWN_TABLE':
    case 'UNKNOWN_DATABASE':
      return 404;
    case 'SYNTAX_ERROR':
    case 'UNKNOWN_IDENTIFIER':
    case 'UNKNOWN_SETTING':
      return 400;
    default:
      return code === 62 ? 400 : 500;
  }
}

const server = http.createServer(async (request, response) => {
  const url = new URL(request.url, 'http://localhost');
  if (url.pathname === '/ping' || (url.pathname === '/' && request.method === 'GET' && !url.searchParams.has('query'))) {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' });
    response.end('Ok.\n');
    return;
  }
  const queryId = url.searchParams.get('query_id') || `chdb-${process.pid}-${Date.now()}-${sequence}`;
  let data;
  try {
    data = await body(request);
  } catch (e) {
    response.writeHead(400, { 'Content-Type': 'text/plain; charset=UTF-8' });
    response.end(`Code: 1. DB::Exception: ${e.message}\n`);
    return;
  }
  const turn = queue.then(() => run(url.searchParams, data));
  queue = turn.catch(() => {});
  try {
    const { bytes, result, format } = await turn;
    response.writeHead(200, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Server-Display-Name': 'chdb',
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Format': format,
      'X-ClickHouse-Timezone': 'UTC',
      'X-ClickHouse-Summary': JSON.stringify({
        read_rows: String(result.rowsRead || 0), read_bytes: String(result.bytesRead || 0),
        written_rows: '0', written_bytes: '0', total_rows_to_read: '0', result_rows: '0', result_bytes: '0',
        elapsed_ns: String(Math.round((result.elapsed || 0) * 1e9)),
      }),
    });
    response.end(bytes);
  } catch (e) {
    const code = e.clickhouseCode || 1000;
    const message = (e.message || String(e)).replace(/^Code: \d+\. /, '');
    response.writeHead(status(code, message), {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(code),
      'X-ClickHouse-Query-Id': queryId,
    });
    response.end(`Code: ${code}. ${message} (version ${engineVersion})\n`);
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`chdb ${engineVersion} answering ClickHouse HTTP on 127.0.0.1:${port}, data in ${dataDir}`);
});

function close() {
  server.close();
  queue.finally(() => {
    session.close();
    process.exit(0);
  });
}
process.on('SIGTERM', close);
process.on('SIGINT', close);
