import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, HttpStatus, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { parseReportId } from '../reports/report-params';
import { ProblemException } from '../problem/problem';

/** The page's own files (copied next to the compiled controller by the build) and uPlot's, from node_modules. */
const OWN_ASSETS = join(__dirname, 'assets');
const UPLOT = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));

/** Every file the page may load, by name: nothing else on disk can be asked for. */
const ASSETS: Record<string, { path: string; type: string }> = {
  'report-page.js': { path: join(OWN_ASSETS, 'report-page.js'), type: 'text/javascript; charset=utf-8' },
  'report-page.css': { path: join(OWN_ASSETS, 'report-page.css'), type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': { path: join(UPLOT, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { path: join(UPLOT, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** Read once per process: a few hundred kilobytes that never change while it runs. */
const loaded = new Map<string, Buffer>();
function file(path: string): Buffer {
  let content = loaded.get(path);
  if (!content) loaded.set(path, (content = readFileSync(path)));
  return content;
}

/**
 * The report page: HTML, its script and styles, and uPlot, all served by the API (no CDN; helmet's
 * CSP holds: no inline script or style element). Neither the page nor its files need a key: they
 * hold no data. The page's fetches of the report, its rows and a store's timeline carry the key the
 * reader enters (and so answer 401/404 as the API does). Outside the OpenAPI document: not JSON API
 * routes but a page for people.
 */
@ApiExcludeController()
@Controller()
export class ReportPageController {
  @Get('reports/:id/view')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(@Param('id') id: string): string {
    parseReportId(id);
    return file(join(OWN_ASSETS, 'report-page.html')).toString('utf8');
  }

  @Get('report-page/assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new ProblemException(HttpStatus.NOT_FOUND, 'about:blank', 'Not Found', `No page asset named ${name}.`);
    response.status(200).setHeader('Content-Type', asset.type).setHeader('Cache-Control', 'public, max-age=300').end(file(asset.path));
  }
}
