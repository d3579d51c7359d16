// Drops a file on the ddpm-viz window through the XDND protocol, as a file manager would, then
// prints the window's title once it changes (or after 3 s). usage: xdnd_drop FILE
#define _POSIX_C_SOURCE 200809L
#include <X11/Xlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static Display* d;
static Atom atom(const char* name) { return XInternAtom(d, name, False); }
static void nap(void) {
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
}

static Window find(Window w) {
    char* name = NULL;
    if (XFetchName(d, w, &name) && name) {
        // Titled after its image once the first frame is drawn.
        const int match = strncmp(name, "ddpm-viz - ", 11) == 0;
        XFree(name);
        if (match) return w;
    }
    Window root, parent, *children = NULL, found = 0;
    unsigned n = 0;
    if (XQueryTree(d, w, &root, &parent, &children, &n))
        for (unsigned i = 0; i < n && !found; ++i) found = find(children[i]);
    if (children) XFree(children);
    return found;
}

static void title(Window w, char* out, size_t size) {
    char* name = NULL;
    out[0] = 0;
    if (XFetchName(d, w, &name) && name) {
        snprintf(out, size, "%s", name);
        XFree(name);
    }
}

static void send(Window target, Window source, const char* type, long l1, long l2, long l3, long l4) {
    XEvent e;
    memset(&e, 0, sizeof e);
    e.xclient.type = ClientMessage;
    e.xclient.window = target;
    e.xclient.message_type = atom(type);
    e.xclient.format = 32;
    e.xclient.data.l[0] = (long)source;
    e.xclient.data.l[1] = l1, e.xclient.data.l[2] = l2, e.xclient.data.l[3] = l3, e.xclient.data.l[4] = l4;
    XSendEvent(d, target, False, NoEventMask, &e);
    XFlush(d);
}

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    if (!(d = XOpenDisplay(NULL))) return fprintf(stderr, "no display\n"), 2;
    Window target = 0;
    for (int i = 0; i < 1000 && !(target = find(DefaultRootWindow(d))); ++i) nap();
    if (!target) return fprintf(stderr, "no ddpm-viz window\n"), 1;
    char before[256], now[256], uri[4096];
    title(target, before, sizeof before);
    snprintf(uri, sizeof uri, "file://%s\r\n", argv[1]);
    XWindowAttributes a;
    XGetWindowAttributes(d, target, &a);
    int x, y;
    Window child;
    XTranslateCoordinates(d, target, DefaultRootWindow(d), a.width / 2, a.height / 2, &x, &y, &child);

    Window source = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
    XSetSelectionOwner(d, atom("XdndSelection"), source, CurrentTime);
    send(target, source, "XdndEnter", 5L << 24, (long)atom("text/uri-list"), 0, 0);
    send(target, source, "XdndPosition", 0, ((long)x << 16) | y, CurrentTime, (long)atom("XdndActionCopy"));
    int finished = 0;
    for (int i = 0; i < 500 && !finished; ++i) {
        while (XPending(d)) {
            XEvent e;
            XNextEvent(d, &e);
            if (e.type == ClientMessage && e.xclient.message_type == atom("XdndStatus")) {
                if (!(e.xclient.data.l[1] & 1)) return fprintf(stderr, "the window refused the drop\n"), 1;
                send(target, source, "XdndDrop", 0, CurrentTime, 0, 0);
            } else if (e.type == SelectionRequest) {
                XSelectionRequestEvent* r = &e.xselectionrequest;
                XChangeProperty(d, r->requestor, r->property, r->target, 8, PropModeReplace, (unsigned char*)uri,
                                (int)strlen(uri));
                XEvent n;
                memset(&n, 0, sizeof n);
                n.xselection.type = SelectionNotify;
                n.xselection.requestor = r->requestor;
                n.xselection.selection = r->selection;
                n.xselection.target = r->target;
                n.xselection.property = r->property;
                n.xselection.time = r->time;
                XSendEvent(d, r->requestor, False, NoEventMask, &n);
                XFlush(d);
            } else if (e.type == ClientMessage && e.xclient.message_type == atom("XdndFinished")) {
                finished = 1;
            }
        }
        nap();
    }
    if (!finished) return fprintf(stderr, "the window did not finish the drop\n"), 1;
    for (int i = 0; i < 300; ++i, nap()) {
        title(target, now, sizeof now);
        if (strcmp(now, before) != 0) break;
    }
    printf("%s\n", now);
    return 0;
}
