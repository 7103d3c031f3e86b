/*
 * C shims for the Go workspace import and export (workspace_io.go), included
 * by its cgo preamble: the Go medium becomes a callback table (its cgo
 * handle is released by the library before the call returns), the library
 * is called once and the last error copied, all in one crossing.
 */
#ifndef STORE_GO_WORKSPACE_IO_SHIMS_H
#define STORE_GO_WORKSPACE_IO_SHIMS_H
#include "medium_shims.h"

static go_res go_workspace_import(void *ws, uintptr_t medium, _GoString_ path) {
	store_medium_vtable v = go_medium_table(medium);
	return go_status(store_workspace_import((store_workspace *)ws, &v, GS(path)));
}

static go_res go_workspace_export(void *ws, uintptr_t medium, _GoString_ path) {
	store_medium_vtable v = go_medium_table(medium);
	return go_status(store_workspace_export((store_workspace *)ws, &v, GS(path)));
}
#endif
