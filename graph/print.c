/* print.c - --emit graph after the passes: the graph (each node with what
 * was fused into it and its stdlib kernel), what the passes did, and the
 * memory plan of the intermediates. */
#include "graph/graph.h"
#include "onnx/onnx.h"

static void print_bytes(FILE *out, int64_t b)
{
    if (b >= 10 << 20) fprintf(out, "%.1f MiB", (double)b / (1 << 20));
    else if (b >= 10 << 10) fprintf(out, "%.1f KiB", (double)b / (1 << 10));
    else fprintf(out, "%lld B", (long long)b);
}

static void print_plan(FILE *out, const OnnxGraph *g, const MemPlan *p)
{
    fprintf(out, "memory plan: %d intermediates in one arena\n", p->n);
    for (int i = 0; i < p->n; i++) {
        fprintf(out, "    %-24s nodes %3d..%-3d ", p->val[i]->name, g->nodes[p->first[i]].index,
                g->nodes[p->last[i]].index);
        if (p->bytes[i] < 0) {
            fputs("size variable: own allocation\n", out);
            continue;
        }
        fprintf(out, "offset %10lld  bytes %10lld\n", (long long)p->offset[i], (long long)p->bytes[i]);
    }
    fputs("arena peak ", out);
    print_bytes(out, p->peak);
    fputs(" against ", out);
    print_bytes(out, p->total);
    fprintf(out, " for every intermediate on its own (%.0f%% saved)\n",
            p->total ? 100.0 * (double)(p->total - p->peak) / (double)p->total : 0.0);
}

void graph_print(FILE *out, const OnnxGraph *g, const GraphStats *st)
{
    onnx_print_graph(out, g, graph_kernel);
    fprintf(out, "passes: %d nodes -> %d (%d folded as constants, %d BatchNormalization folded into convs, "
                 "%d GELU subgraphs, %d nodes fused into epilogues, %d weights packed, %d of them for Winograd)\n",
            st->nodes_in, g->nnodes, st->folded, st->bn_folded, st->gelu, st->fused, st->packed, st->winograd);
    MemPlan p;
    graph_mem_plan(g->arena, g, &p);
    print_plan(out, g, &p);
}
