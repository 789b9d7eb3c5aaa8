/*
 * assets.h - the flame graph viewer's script and style sheet, embedded at
 * build time from src/render/assets/ (see assets/embed.sh and the Makefile
 * rule that writes build/gen/render_assets.c). Each is NUL-terminated.
 */
#ifndef EMBER_RENDER_ASSETS_H
#define EMBER_RENDER_ASSETS_H

#include <stddef.h>

extern const char render_asset_flame_js[];
extern const size_t render_asset_flame_js_len;
extern const char render_asset_flame_css[];
extern const size_t render_asset_flame_css_len;

#endif
