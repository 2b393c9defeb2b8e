#pragma once
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

/// libjpeg reports fatal errors through error_exit, which must not return: Swift cannot catch
/// a longjmp, so the whole decode runs here in C, and errors come back as a message.
struct splatedge_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void splatedge_jpeg_error_exit(j_common_ptr info) {
    struct splatedge_jpeg_error *error = (struct splatedge_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

/// Decodes a baseline or progressive JPEG to 8-bit RGB. Returns a malloc'd buffer of
/// width·height·3 bytes (free with free()), or NULL with `message` (JMSG_LENGTH_MAX bytes) set.
static inline unsigned char *splatedge_jpeg_decode(const unsigned char *data, unsigned long size,
                                                   int *width, int *height, char *message) {
    struct jpeg_decompress_struct info;
    struct splatedge_jpeg_error error;
    unsigned char *volatile pixels = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = splatedge_jpeg_error_exit;
    error.message[0] = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(pixels);
        strncpy(message, error.message, JMSG_LENGTH_MAX - 1);
        message[JMSG_LENGTH_MAX - 1] = 0;
        return NULL;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    size_t stride = (size_t)info.output_width * 3;
    pixels = (unsigned char *)malloc(stride * info.output_height);
    if (!pixels) {
        jpeg_destroy_decompress(&info);
        strcpy(message, "out of memory");
        return NULL;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    return pixels;
}

/// Encodes 8-bit RGB at `quality` (1…100) into a malloc'd buffer (free with free()), its size in
/// `size`; NULL with `message` set on failure.
static inline unsigned char *splatedge_jpeg_encode(const unsigned char *pixels, int width, int height, int quality,
                                                   unsigned long *size, char *message) {
    struct jpeg_compress_struct info;
    struct splatedge_jpeg_error error;
    unsigned char *volatile output = NULL;
    unsigned long outputSize = 0;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = splatedge_jpeg_error_exit;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&info);
        free(output);
        strncpy(message, error.message, JMSG_LENGTH_MAX - 1);
        message[JMSG_LENGTH_MAX - 1] = 0;
        return NULL;
    }
    jpeg_create_compress(&info);
    unsigned char *buffer = NULL;
    jpeg_mem_dest(&info, &buffer, &outputSize);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * (size_t)width * 3);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    output = buffer;
    *size = outputSize;
    jpeg_destroy_compress(&info);
    return output;
}

/// JMSG_LENGTH_MAX as a constant Swift can read.
static inline int splatedge_jpeg_message_length(void) { return JMSG_LENGTH_MAX; }
