#pragma once
#include <png.h>

/// libpng's own upper bound on the PNG stream of `image` (PNG_IMAGE_PNG_SIZE_MAX is a macro,
/// which Swift does not import), so an encoder can allocate once and compress once.
static inline png_alloc_size_t splatedge_png_image_size_max(png_image image) {
    return PNG_IMAGE_PNG_SIZE_MAX(image);
}
