/* prof2png: umbrella header of the library. */
#ifndef PROF2PNG_H
#define PROF2PNG_H

#define PROF2PNG_VERSION "0.1.0"

#include "error.h"
#include "profile.h"
#include "parse.h"
#include "analyse.h"
#include "graph.h"
#include "theme.h"
#include "output.h"
#include "report.h"

#endif
